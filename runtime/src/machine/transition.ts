/**
 * The agent state machine: a pure, synchronous `transition(state, event, config) -> { state, actions }`.
 * No I/O, clock or randomness; a driver performs the actions and feeds results back as events.
 * Events that do not apply to the current state (or carry a stale request id) are ignored: same state,
 * no actions.
 * @example
 * let s = initialState();
 * const r = transition(s, { type: "UserInput", text: "hi" });
 * r.state.type; // "CallingLlm"
 * r.actions; // [{ type: "SendLlmRequest", requestId: 1, messages: [{ role: "user", content: "hi" }] }]
 */
import type { LlmEvent, Message } from "../llm.ts";
import { userMessage } from "../llm.ts";
import { addPartial, assembleToolCalls, assistantMessage } from "./assemble.ts";
import { backoffDelay, DEFAULT_BACKOFF, isRetryable } from "./backoff.ts";
import {
  allCompleted,
  cancelOpen,
  closeDanglingToolCalls,
  openExecution,
  toolMessages,
  touchedWorkspace,
  withStatus,
} from "./executions.ts";
import type {
  AgentState,
  MachineAction,
  MachineConfig,
  MachineConfigInput,
  MachineEvent,
  StateBase,
  ToolExecution,
  TransitionResult,
} from "./types.ts";

export const DEFAULT_MACHINE_CONFIG: MachineConfig = {
  maxRetries: 3,
  backoff: DEFAULT_BACKOFF,
  mutatingTools: [],
  maxSteps: 100,
  askAtStepLimit: false,
};

export function resolveMachineConfig(config: MachineConfigInput = {}): MachineConfig {
  return {
    maxRetries: config.maxRetries ?? DEFAULT_MACHINE_CONFIG.maxRetries,
    backoff: { ...DEFAULT_BACKOFF, ...config.backoff },
    mutatingTools: config.mutatingTools ?? DEFAULT_MACHINE_CONFIG.mutatingTools,
    maxSteps: config.maxSteps ?? DEFAULT_MACHINE_CONFIG.maxSteps,
    askAtStepLimit: config.askAtStepLimit ?? DEFAULT_MACHINE_CONFIG.askAtStepLimit,
  };
}

/** The start state; `messages` resumes a conversation (dangling tool calls get a cancelled result). */
export function initialState(messages: Message[] = []): AgentState {
  return { type: "WaitingForUserInput", messages: closeDanglingToolCalls(messages), requestId: 0, steps: 0 };
}

export function transition(
  state: AgentState,
  event: MachineEvent,
  config: MachineConfigInput = {},
): TransitionResult {
  if (state.type === "ShuttingDown") return ignore(state);
  const cfg = resolveMachineConfig(config);
  switch (event.type) {
    case "ShutdownRequested":
      return shutdown(state);
    case "Cancel":
      return cancel(state);
    case "UserInput":
      if (state.type !== "WaitingForUserInput") return ignore(state);
      return send(state, [...state.messages, userMessage(event.text, event.images)], 0, 0);
    case "LlmEvent":
      if (state.type !== "CallingLlm" && state.type !== "ProcessingLlmResponse") return ignore(state);
      if (event.requestId !== state.requestId) return ignore(state);
      return onLlmEvent(state, event.event, cfg);
    case "LlmFailed": {
      if (state.type !== "CallingLlm" && state.type !== "ProcessingLlmResponse") return ignore(state);
      if (event.requestId !== state.requestId) return ignore(state);
      const base = baseOf(state);
      if (isRetryable(event.error) && state.retries < cfg.maxRetries) {
        const delayMs = backoffDelay(state.retries, event.random, cfg.backoff, event.error.retryAfterMs);
        return {
          state: {
            ...base,
            type: "Error",
            error: event.error,
            retries: state.retries,
            origin: state.type,
            delayMs,
          },
          actions: [
            {
              type: "ScheduleRetry",
              requestId: state.requestId,
              delayMs,
              attempt: state.retries + 1,
              error: event.error,
            },
          ],
        };
      }
      return endTurn(base, withPartialReply(state), "error", [
        {
          type: "DisplayError",
          source: "llm",
          message: event.error.message,
          error: event.error,
          retries: state.retries,
        },
      ]);
    }
    case "RetryTimeoutFired":
      if (state.type !== "Error" || event.requestId !== state.requestId) return ignore(state);
      return send(state, state.messages, state.retries + 1, state.steps);
    case "ToolStarted":
    case "ToolProgress": {
      if (state.type !== "ExecutingTools" || event.requestId !== state.requestId) return ignore(state);
      const at = openExecution(state.executions, event.callId);
      if (at < 0 || state.executions[at]!.status === "running") return ignore(state);
      return {
        state: { ...state, executions: withStatus(state.executions, at, { status: "running" }) },
        actions: [],
      };
    }
    case "ToolCompleted": {
      if (state.type !== "ExecutingTools" || event.requestId !== state.requestId) return ignore(state);
      const at = openExecution(state.executions, event.callId);
      if (at < 0) return ignore(state);
      const executions = withStatus(state.executions, at, { status: "completed", result: event.result });
      if (!allCompleted(executions)) return { state: { ...state, executions }, actions: [] };
      return toolsSettled(state, executions, cfg);
    }
    case "ContinueAnswered": {
      if (state.type !== "AskingToContinue" || event.requestId !== state.requestId) return ignore(state);
      // Going on grants a fresh budget of `maxSteps` requests.
      if (event.proceed) return send(state, state.messages, 0, 0);
      return endTurn(baseOf(state), state.messages, "error", [stepLimitError(state.steps)]);
    }
    case "PostToolsHookCompleted": {
      if (state.type !== "PostToolsHook" || event.requestId !== state.requestId) return ignore(state);
      const hookError: MachineAction[] =
        event.error === undefined ? [] : [{ type: "DisplayError", source: "hook", message: event.error }];
      return nextStep(baseOf(state), state.messages, cfg, hookError);
    }
    default:
      return unknownVariant(event, state);
  }
}

function onLlmEvent(
  state: Extract<AgentState, { type: "CallingLlm" | "ProcessingLlmResponse" }>,
  event: LlmEvent,
  cfg: MachineConfig,
): TransitionResult {
  const processing =
    state.type === "ProcessingLlmResponse"
      ? state
      : {
          ...baseOf(state),
          type: "ProcessingLlmResponse" as const,
          retries: state.retries,
          text: "",
          partials: [],
        };
  switch (event.type) {
    case "text.delta":
      return {
        state: { ...processing, text: processing.text + event.text },
        actions: event.text === "" ? [] : [{ type: "DisplayMessage", kind: "text_delta", text: event.text }],
      };
    case "tool_call.start":
      return {
        state: { ...processing, partials: addPartial(processing.partials, event) },
        actions: [],
      };
    case "tool_call.delta":
      return {
        state: { ...processing, partials: addPartial(processing.partials, event) },
        actions: [],
      };
    case "usage":
      return { state: processing, actions: [] };
    case "completed": {
      const calls = assembleToolCalls(processing.partials, event.response, state.requestId);
      const message = assistantMessage(processing.text, event.response, calls);
      const messages = [...state.messages, message];
      const display: MachineAction = { type: "DisplayMessage", kind: "assistant", message };
      const base = baseOf(state);
      if (calls.length === 0) return endTurn(base, messages, "end_turn", [display]);
      const mutating = new Set(cfg.mutatingTools);
      const withMutating = calls.map((call) => ({ ...call, mutating: mutating.has(call.name) }));
      const executions: ToolExecution[] = withMutating.map(({ mutating: m, ...call }) => ({
        call,
        mutating: m,
        status: "pending",
      }));
      return {
        state: { ...base, messages, type: "ExecutingTools", executions },
        actions: [display, { type: "ExecuteTools", requestId: state.requestId, calls: withMutating }],
      };
    }
    default:
      return unknownVariant(event, state);
  }
}

function toolsSettled(
  state: Extract<AgentState, { type: "ExecutingTools" }>,
  executions: ToolExecution[],
  cfg: MachineConfig,
): TransitionResult {
  const messages = [...state.messages, ...toolMessages(executions)];
  const base = baseOf(state);
  if (touchedWorkspace(executions)) {
    return {
      state: { ...base, messages, type: "PostToolsHook", executions },
      actions: [{ type: "RunPostToolsHook", requestId: state.requestId, executions }],
    };
  }
  return nextStep(base, messages, cfg, []);
}

/** After tools (and the hook): ask the model again, unless the turn has used its steps. */
function nextStep(
  base: StateBase,
  messages: Message[],
  cfg: MachineConfig,
  before: MachineAction[],
): TransitionResult {
  if (cfg.maxSteps > 0 && base.steps >= cfg.maxSteps) {
    if (cfg.askAtStepLimit) {
      return {
        state: { ...base, messages, type: "AskingToContinue" },
        actions: [...before, { type: "AskToContinue", requestId: base.requestId, steps: base.steps }],
      };
    }
    return endTurn(base, messages, "error", [...before, stepLimitError(base.steps)]);
  }
  const next = send(base, messages, 0, base.steps);
  return { state: next.state, actions: [...before, ...next.actions] };
}

function stepLimitError(steps: number): MachineAction {
  return {
    type: "DisplayError",
    source: "step_limit",
    message: `stopped after ${steps} model requests in one turn`,
  };
}

function send(base: StateBase, messages: Message[], retries: number, steps: number): TransitionResult {
  const requestId = base.requestId + 1;
  const newStep = retries === 0 ? steps + 1 : steps;
  return {
    state: { type: "CallingLlm", messages, requestId, steps: newStep, retries },
    actions: [{ type: "SendLlmRequest", requestId, messages }],
  };
}

function endTurn(
  base: StateBase,
  messages: Message[],
  reason: "end_turn" | "error" | "cancelled",
  before: MachineAction[],
): TransitionResult {
  return {
    state: { type: "WaitingForUserInput", messages, requestId: base.requestId, steps: base.steps },
    actions: [...before, { type: "WaitForInput", reason }],
  };
}

/** Closes the turn's history so every tool call has its result; `null` when nothing is in flight. */
function abortTurn(state: AgentState): { base: StateBase; messages: Message[] } | null {
  switch (state.type) {
    case "WaitingForUserInput":
    case "ShuttingDown":
      return null;
    case "ProcessingLlmResponse":
      return { base: baseOf(state), messages: withPartialReply(state) };
    case "CallingLlm":
    case "PostToolsHook":
    case "AskingToContinue":
    case "Error":
      return { base: baseOf(state), messages: state.messages };
    case "ExecutingTools":
      return {
        base: baseOf(state),
        messages: [...state.messages, ...toolMessages(cancelOpen(state.executions))],
      };
    default: {
      const exhaustive: never = state;
      return exhaustive;
    }
  }
}

/**
 * The history with the streamed text of a reply that never completed, kept as an interrupted assistant
 * message: the user saw it, so the next request and a replay must too. Its half-streamed tool calls are
 * dropped (they never ran).
 */
function withPartialReply(
  state: Extract<AgentState, { type: "CallingLlm" | "ProcessingLlmResponse" }>,
): Message[] {
  // Whitespace alone is not worth keeping (and some providers reject a blank text block).
  if (state.type !== "ProcessingLlmResponse" || state.text.trim() === "") return state.messages;
  return [...state.messages, { role: "assistant", content: state.text, interrupted: true }];
}

function cancel(state: AgentState): TransitionResult {
  const aborted = abortTurn(state);
  if (aborted === null) return ignore(state);
  return endTurn(aborted.base, aborted.messages, "cancelled", [
    { type: "CancelInFlight", requestId: aborted.base.requestId },
  ]);
}

function shutdown(state: AgentState): TransitionResult {
  const aborted = abortTurn(state);
  const base = aborted?.base ?? baseOf(state);
  const messages = aborted?.messages ?? state.messages;
  const actions: MachineAction[] = aborted ? [{ type: "CancelInFlight", requestId: base.requestId }] : [];
  return {
    state: { type: "ShuttingDown", messages, requestId: base.requestId, steps: base.steps },
    actions: [...actions, { type: "Shutdown" }],
  };
}

function baseOf(state: AgentState): StateBase {
  return { messages: state.messages, requestId: state.requestId, steps: state.steps };
}

function ignore(state: AgentState): TransitionResult {
  return { state, actions: [] };
}

/** Compile-time exhaustiveness; at run time an unknown event (say a newer provider's stream event) is ignored. */
function unknownVariant(_event: never, state: AgentState): TransitionResult {
  return ignore(state);
}
