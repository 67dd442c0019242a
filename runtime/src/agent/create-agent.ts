/**
 * The driver: owns the machine's state, performs its actions with real I/O (LLM stream, tools, hook,
 * timers) and feeds the outcomes back as events. Every front end (REPL, `loom run`, ACP) drives this.
 * @example
 * const agent = createAgent({ llm, tools, model: "claude-sonnet-4-5" });
 * agent.on((e) => { if (e.type === "agent.text_delta") process.stdout.write(e.text); });
 * const result = await agent.send("fix the failing test");
 * result.reason; // "end_turn" | "error" | "cancelled" | "shutdown"
 */
import { LoomError } from "../errors.ts";
import { type AssistantMessage, LlmError, type LlmRequest, toLlmErrorInfo, type Usage } from "../llm.ts";
import { initialState, transition } from "../machine/transition.ts";
import type {
  AgentState,
  MachineAction,
  MachineConfigInput,
  MachineEvent,
  RequestedToolCall,
  ToolExecution,
} from "../machine/types.ts";
import { CANCELLED_RESULT } from "../machine/types.ts";
import type { Tool } from "../tool.ts";
import { systemClock, type TimerHandle } from "./clock.ts";
import { partialUsage, type StreamSoFar } from "./partial-usage.ts";
import { runToolCall } from "./run-tool.ts";
import type { Agent, AgentEvent, AgentListener, AgentOptions, PermissionCheck, TurnResult } from "./types.ts";

const DEFAULT_TOOL_TIMEOUT_MS = 120_000;
/** Events one drain may process; far above any real turn, it only stops a feedback bug from spinning. */
const MAX_DRAIN = 100_000;

interface Turn {
  resolve(result: TurnResult): void;
  start: number;
  usage: Usage;
  message?: AssistantMessage;
  error?: string;
}

interface InFlight {
  requestId: number;
  controller: AbortController;
  /** Tool calls started and not yet completed, by call id. */
  running: Map<string, { name: string; startedAt: number }>;
  /** The LLM stream, until its `completed` event: what it has cost so far, for a request cut off. */
  stream?: StreamSoFar;
}

function zeroUsage(): Usage {
  return { inputTokens: 0, outputTokens: 0 };
}

function addUsage(into: Usage, u: Usage): void {
  into.inputTokens += u.inputTokens;
  into.outputTokens += u.outputTokens;
  if (u.cacheReadTokens) into.cacheReadTokens = (into.cacheReadTokens ?? 0) + u.cacheReadTokens;
  if (u.cacheWriteTokens) into.cacheWriteTokens = (into.cacheWriteTokens ?? 0) + u.cacheWriteTokens;
  if (u.estimated) into.estimated = true;
}

/** One permission prompt at a time, in the order asked. */
function serialise(check: PermissionCheck): PermissionCheck {
  let chain: Promise<unknown> = Promise.resolve();
  return (call, signal) => {
    const next = chain.then(() => (signal.aborted ? "deny" : check(call, signal)));
    chain = next.catch(() => undefined);
    return next;
  };
}

export function createAgent(options: AgentOptions): Agent {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  let tools = new Map<string, Tool>();
  let toolSpecs: LlmRequest["tools"] = [];
  const config: MachineConfigInput = {
    maxRetries: options.maxRetries,
    backoff: options.backoff,
    maxSteps: options.maxSteps,
    askAtStepLimit: options.continueAtStepLimit !== undefined,
    mutatingTools: [],
  };
  /** The tool set the next model request offers and the next tool calls use. */
  function useTools(list: readonly Tool[]): void {
    tools = new Map(list.map((t) => [t.name, t]));
    toolSpecs = list.map(({ name, description, inputSchema }) => ({ name, description, inputSchema }));
    config.mutatingTools = list.filter((t) => t.mutating).map((t) => t.name);
  }
  useTools(options.tools);
  const permission = options.permission ? serialise(options.permission) : undefined;
  const hook = options.hooks?.postTools?.bind(options.hooks);
  const listeners = new Set<AgentListener>();
  const totalUsage = zeroUsage();
  let state: AgentState = initialState(options.messages ?? []);
  let turn: Turn | undefined;
  let inFlight: InFlight | undefined;
  let retryTimer: { requestId: number; handle: TimerHandle } | undefined;
  const queue: MachineEvent[] = [];
  let draining = false;

  function emit(event: AgentEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A front end's rendering bug must not break the turn.
      }
    }
  }

  /** Queues an event; actions that dispatch synchronously are handled after the current step. */
  function dispatch(event: MachineEvent): void {
    queue.push(event);
    if (draining) return;
    draining = true;
    try {
      for (let n = 0; n < MAX_DRAIN && queue.length > 0; n++) step(queue.shift()!);
    } finally {
      draining = false;
    }
  }

  function step(event: MachineEvent): void {
    const from = state.type;
    const { state: next, actions } = transition(state, event, config);
    state = next;
    try {
      options.onTransition?.({ event, state: next, actions });
    } catch {
      // An observer must not change what the agent does.
    }
    if (from !== next.type) emit({ type: "state.changed", from, to: next.type });
    for (const action of actions) perform(action);
  }

  function isCurrent(requestId: number): boolean {
    return inFlight?.requestId === requestId && !inFlight.controller.signal.aborted;
  }

  function startRequest(requestId: number): InFlight {
    inFlight?.controller.abort();
    inFlight = { requestId, controller: new AbortController(), running: new Map() };
    return inFlight;
  }

  function perform(action: MachineAction): void {
    switch (action.type) {
      case "SendLlmRequest":
        void pump(startRequest(action.requestId), action.messages);
        return;
      case "ExecuteTools":
        if (inFlight?.requestId === action.requestId) executeTools(inFlight, action.calls);
        return;
      case "RunPostToolsHook":
        void runHook(action.requestId, action.executions);
        return;
      case "WaitForInput":
        finishTurn(action.reason);
        return;
      case "DisplayMessage":
        if (action.kind === "text_delta") emit({ type: "agent.text_delta", text: action.text });
        else {
          if (turn) turn.message = action.message;
          emit({ type: "agent.message", message: action.message });
        }
        return;
      case "DisplayError":
        if (action.source === "llm" && action.error) {
          emit({ type: "llm.failed", error: action.error, retries: action.retries ?? 0, willRetry: false });
        }
        if (turn && action.source !== "hook") turn.error = action.message;
        emit({ type: "agent.error", source: action.source, message: action.message });
        return;
      case "ScheduleRetry": {
        const { requestId, delayMs } = action;
        const handle = clock.setTimeout(() => {
          retryTimer = undefined;
          dispatch({ type: "RetryTimeoutFired", requestId });
        }, delayMs);
        retryTimer = { requestId, handle };
        emit({
          type: "llm.failed",
          error: action.error,
          retries: action.attempt - 1,
          willRetry: true,
          delayMs,
        });
        return;
      }
      case "CancelInFlight":
        abortInFlight(action.requestId);
        return;
      case "AskToContinue":
        void askToContinue(action.requestId, action.steps);
        return;
      case "Shutdown":
        if (inFlight) abortInFlight(inFlight.requestId);
        finishTurn("shutdown");
        return;
      default: {
        const exhaustive: never = action;
        throw new LoomError("INTERNAL", `unknown machine action ${JSON.stringify(exhaustive)}`);
      }
    }
  }

  async function pump(request: InFlight, messages: LlmRequest["messages"]): Promise<void> {
    const { requestId, controller } = request;
    const body: LlmRequest = { model: options.model, messages };
    if (options.system !== undefined) body.system = options.system;
    if (toolSpecs && toolSpecs.length > 0) body.tools = toolSpecs;
    if (options.maxTokens !== undefined) body.maxTokens = options.maxTokens;
    if (options.temperature !== undefined) body.temperature = options.temperature;
    const soFar: StreamSoFar = { sentChars: JSON.stringify(body).length, receivedChars: 0 };
    request.stream = soFar;
    try {
      for await (const event of options.llm.stream(body, controller.signal)) {
        if (!isCurrent(requestId)) return;
        if (event.type === "text.delta") soFar.receivedChars += event.text.length;
        else if (event.type === "tool_call.delta") soFar.receivedChars += event.argsDelta.length;
        else if (event.type === "usage") soFar.reported = event.usage;
        if (event.type === "completed") {
          request.stream = undefined;
          addUsage(totalUsage, event.response.usage);
          if (turn) addUsage(turn.usage, event.response.usage);
          emit({ type: "llm.usage", model: event.response.model, usage: event.response.usage });
        }
        dispatch({ type: "LlmEvent", requestId, event });
        if (event.type === "completed") return;
      }
      throw new LlmError("transient", "the model's stream ended without a completed event");
    } catch (e) {
      if (!isCurrent(requestId)) return;
      request.stream = undefined;
      dispatch({ type: "LlmFailed", requestId, error: toLlmErrorInfo(e), random: random() });
    }
  }

  function executeTools(request: InFlight, calls: Array<RequestedToolCall & { mutating: boolean }>): void {
    // Read-only calls run at once; mutating calls run one after another, in call order.
    let mutatingChain: Promise<unknown> = Promise.resolve();
    for (const call of calls) {
      const run = () => runCall(request, call);
      if (call.mutating) mutatingChain = mutatingChain.then(run);
      else void run();
    }
  }

  async function runCall(request: InFlight, call: RequestedToolCall): Promise<void> {
    const { requestId, controller } = request;
    if (!isCurrent(requestId)) return;
    emit({ type: "tool.started", callId: call.id, name: call.name, input: call.input });
    let startedAt = clock.now();
    request.running.set(call.id, { name: call.name, startedAt });
    const result = await runToolCall(call, {
      tools: { get: (name) => tools.get(name), keys: () => tools.keys() },
      ...(options.awaitTool ? { awaitTool: options.awaitTool } : {}),
      clock,
      defaultTimeoutMs: options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
      workspaceRoot: options.workspaceRoot ?? process.cwd(),
      capabilities: options.capabilities,
      oracle: options.oracle,
      ...(options.sandbox ? { sandbox: options.sandbox } : {}),
      permission,
      ...(options.hooks?.beforeTool ? { beforeTool: options.hooks.beforeTool.bind(options.hooks) } : {}),
      ...(options.hooks?.afterTool ? { afterTool: options.hooks.afterTool.bind(options.hooks) } : {}),
      signal: controller.signal,
      onInvoke: () => {
        startedAt = clock.now();
        dispatch({ type: "ToolStarted", requestId, callId: call.id });
      },
      onProgress: (progress) => {
        if (!isCurrent(requestId) || !request.running.has(call.id)) return;
        emit({ type: "tool.progress", callId: call.id, name: call.name, progress });
        dispatch({ type: "ToolProgress", requestId, callId: call.id, progress });
      },
    });
    // A cancelled call was already reported by abortInFlight.
    if (!isCurrent(requestId) || !request.running.delete(call.id)) return;
    const durationMs = clock.now() - startedAt;
    emit({
      type: "tool.completed",
      callId: call.id,
      name: call.name,
      result: result.content,
      isError: result.isError,
      durationMs,
    });
    dispatch({ type: "ToolCompleted", requestId, callId: call.id, result });
  }

  async function runHook(requestId: number, executions: ToolExecution[]): Promise<void> {
    const signal = inFlight?.requestId === requestId ? inFlight.controller.signal : AbortSignal.abort();
    let error: string | undefined;
    try {
      await hook?.({ requestId, executions, messages: state.messages, signal });
    } catch (e) {
      error = `postTools hook failed: ${e instanceof Error ? e.message : String(e)}`;
    }
    if (!isCurrent(requestId)) return;
    dispatch(
      error === undefined
        ? { type: "PostToolsHookCompleted", requestId }
        : { type: "PostToolsHookCompleted", requestId, error },
    );
  }

  async function askToContinue(requestId: number, steps: number): Promise<void> {
    const signal = inFlight?.requestId === requestId ? inFlight.controller.signal : AbortSignal.abort();
    let proceed = false;
    try {
      proceed = !signal.aborted && (await options.continueAtStepLimit!({ steps, signal })) === true;
    } catch {
      // A failed question is a no.
    }
    if (!isCurrent(requestId)) return;
    dispatch({ type: "ContinueAnswered", requestId, proceed });
  }

  function abortInFlight(requestId: number): void {
    if (retryTimer?.requestId === requestId) {
      clock.clearTimeout(retryTimer.handle);
      retryTimer = undefined;
    }
    if (inFlight?.requestId !== requestId) return;
    const { controller, running, stream } = inFlight;
    controller.abort();
    if (stream) chargeCutOff(stream);
    inFlight.stream = undefined;
    for (const [callId, { name, startedAt }] of running) {
      emit({
        type: "tool.completed",
        callId,
        name,
        result: CANCELLED_RESULT.content,
        isError: true,
        durationMs: clock.now() - startedAt,
      });
    }
    running.clear();
  }

  /** A request cut off mid-stream still cost tokens: count them in the turn (estimated when unreported). */
  function chargeCutOff(stream: StreamSoFar): void {
    const usage = partialUsage(stream);
    addUsage(totalUsage, usage);
    if (turn) addUsage(turn.usage, usage);
    emit({ type: "llm.usage", model: options.model, usage });
  }

  function finishTurn(reason: TurnResult["reason"]): void {
    const current = turn;
    if (!current) return;
    turn = undefined;
    const result: TurnResult = {
      reason,
      messages: state.messages.slice(current.start),
      usage: current.usage,
    };
    if (current.message) result.message = current.message;
    if (current.error !== undefined && reason === "error") result.error = current.error;
    emit({ type: "turn.completed", result });
    current.resolve(result);
  }

  return {
    send(text, images) {
      if (state.type === "ShuttingDown") {
        return Promise.reject(new LoomError("CONFLICT", "the agent has shut down"));
      }
      if (state.type !== "WaitingForUserInput" || turn) {
        return Promise.reject(new LoomError("CONFLICT", "a turn is already running; cancel it first"));
      }
      return new Promise<TurnResult>((resolve) => {
        turn = { resolve, start: state.messages.length, usage: zeroUsage() };
        dispatch({ type: "UserInput", text, ...(images?.length ? { images } : {}) });
      });
    },
    cancel() {
      dispatch({ type: "Cancel" });
    },
    setTools(list) {
      useTools(list);
    },
    async shutdown() {
      dispatch({ type: "ShutdownRequested" });
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get state() {
      return state;
    },
    get messages() {
      return state.messages;
    },
    snapshot() {
      return {
        state: state.type,
        requestId: state.requestId,
        messages: state.messages,
        usage: { ...totalUsage },
      };
    },
  };
}
