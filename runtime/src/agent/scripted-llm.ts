/**
 * An in-memory `LlmClient` for tests: each `stream` call plays the next scripted reply. It records the
 * requests it got and honours the abort signal like a real provider (the stream throws once aborted).
 */
import {
  assistantMessage,
  type LlmClient,
  type LlmError,
  type LlmEvent,
  type LlmRequest,
  type LlmResponse,
  type ToolCall,
} from "../llm.ts";

export type ScriptedReply = LlmEvent[] | LlmError | ((signal: AbortSignal) => AsyncIterable<LlmEvent>);

export interface ScriptedLlm extends LlmClient {
  /** Requests received, messages deep-copied at the time of the call. */
  requests: LlmRequest[];
  /** Signals of the streams started, in order. */
  signals: AbortSignal[];
}

export function completedEvent(content: string, toolCalls: ToolCall[] = []): LlmEvent {
  const response: LlmResponse = {
    model: "scripted",
    message: assistantMessage(content, toolCalls),
    usage: { inputTokens: 100, outputTokens: 20 },
    finishReason: toolCalls.length > 0 ? "tool_use" : "end_turn",
  };
  return { type: "completed", response };
}

/** Streamed text then a completed event carrying the same text. */
export function textReply(text: string): LlmEvent[] {
  return [{ type: "text.delta", text }, completedEvent(text)];
}

async function* play(events: LlmEvent[], signal: AbortSignal): AsyncIterable<LlmEvent> {
  for (const event of events) {
    await Promise.resolve();
    if (signal.aborted) throw new Error("aborted");
    yield event;
  }
}

/** A stream that yields nothing and throws `error` once `after` settles. */
export function failingStream(after: Promise<unknown>, error: unknown): AsyncIterable<LlmEvent> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => after.then(() => Promise.reject(error)),
    }),
  };
}

export function createScriptedLlm(script: ScriptedReply[]): ScriptedLlm {
  const replies = [...script];
  const requests: LlmRequest[] = [];
  const signals: AbortSignal[] = [];
  return {
    provider: "scripted",
    requests,
    signals,
    async complete() {
      throw new Error("the scripted client only streams");
    },
    stream(request, signal = new AbortController().signal) {
      requests.push(structuredClone(request));
      signals.push(signal);
      const reply = replies.shift();
      if (reply === undefined) throw new Error(`no scripted reply left for request ${requests.length}`);
      if (typeof reply === "function") return reply(signal);
      if (Array.isArray(reply)) return play(reply, signal);
      return failingStream(Promise.resolve(), reply);
    },
  };
}
