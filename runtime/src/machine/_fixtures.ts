/**
 * Event builders shared by the machine's tests and the golden replays.
 */
import { assistantMessage, type LlmErrorInfo, type LlmResponse, type ToolCall } from "../llm.ts";
import { transition } from "./transition.ts";
import type { AgentState, MachineAction, MachineConfigInput, MachineEvent } from "./types.ts";

export function response(content: string, toolCalls: ToolCall[] = []): LlmResponse {
  return {
    model: "test-model",
    message: assistantMessage(content, toolCalls),
    usage: { inputTokens: 10, outputTokens: 5 },
    finishReason: toolCalls.length > 0 ? "tool_use" : "end_turn",
  };
}

export const ev = {
  user: (text: string): MachineEvent => ({ type: "UserInput", text }),
  text: (requestId: number, text: string): MachineEvent => ({
    type: "LlmEvent",
    requestId,
    event: { type: "text.delta", text },
  }),
  callStart: (requestId: number, index: number, id: string, name: string): MachineEvent => ({
    type: "LlmEvent",
    requestId,
    event: { type: "tool_call.start", index, id, name },
  }),
  callDelta: (requestId: number, index: number, argsDelta: string): MachineEvent => ({
    type: "LlmEvent",
    requestId,
    event: { type: "tool_call.delta", index, argsDelta },
  }),
  completed: (requestId: number, content: string, toolCalls: ToolCall[] = []): MachineEvent => ({
    type: "LlmEvent",
    requestId,
    event: { type: "completed", response: response(content, toolCalls) },
  }),
  failed: (requestId: number, error: LlmErrorInfo, random = 0.5): MachineEvent => ({
    type: "LlmFailed",
    requestId,
    error,
    random,
  }),
  started: (requestId: number, callId: string): MachineEvent => ({ type: "ToolStarted", requestId, callId }),
  done: (requestId: number, callId: string, content: string, isError = false): MachineEvent => ({
    type: "ToolCompleted",
    requestId,
    callId,
    result: { content, isError },
  }),
  hookDone: (requestId: number, error?: string): MachineEvent =>
    error === undefined
      ? { type: "PostToolsHookCompleted", requestId }
      : { type: "PostToolsHookCompleted", requestId, error },
  retry: (requestId: number): MachineEvent => ({ type: "RetryTimeoutFired", requestId }),
  cancel: (): MachineEvent => ({ type: "Cancel" }),
  shutdown: (): MachineEvent => ({ type: "ShutdownRequested" }),
};

export interface Step {
  event: MachineEvent;
  state: AgentState;
  actions: MachineAction[];
}

/** Feeds `events` one by one from `start`, recording every step. */
export function replay(start: AgentState, events: MachineEvent[], config: MachineConfigInput = {}): Step[] {
  const steps: Step[] = [];
  let state = start;
  for (const event of events) {
    const r = transition(state, event, config);
    state = r.state;
    steps.push({ event, state, actions: r.actions });
  }
  return steps;
}

export function last<T>(xs: T[]): T {
  const x = xs[xs.length - 1];
  if (x === undefined) throw new Error("empty list");
  return x;
}
