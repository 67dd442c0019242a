/**
 * Builds the assistant message of one LLM turn from the streamed deltas and the final response.
 * Pure: JSON parsing is the only work done here.
 */
import {
  type AssistantMessage,
  type LlmResponse,
  assistantMessage as message,
  type ToolCall,
} from "../llm.ts";
import type { PartialToolCall, RequestedToolCall } from "./types.ts";

const RAW_PREVIEW = 500;

/** Adds one `tool_call.start` or `tool_call.delta` to the partial calls (returns a new array). */
export function addPartial(
  partials: PartialToolCall[],
  event: { index: number; id?: string; name?: string; argsDelta?: string },
): PartialToolCall[] {
  const at = partials.findIndex((p) => p.index === event.index);
  const prev = at >= 0 ? partials[at] : undefined;
  const next: PartialToolCall = {
    index: event.index,
    id: event.id ?? prev?.id ?? "",
    name: event.name ?? prev?.name ?? "",
    args: (prev?.args ?? "") + (event.argsDelta ?? ""),
  };
  return at >= 0 ? partials.map((p, i) => (i === at ? next : p)) : [...partials, next];
}

function parseInput(raw: unknown): { input: unknown } | { error: string; raw: string } {
  if (raw === undefined || raw === null || raw === "") return { input: {} };
  if (typeof raw !== "string") {
    return typeof raw === "object" && !Array.isArray(raw)
      ? { input: raw }
      : { error: "arguments must be a JSON object", raw: JSON.stringify(raw) };
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return { input: parsed };
    return { error: "arguments must be a JSON object", raw };
  } catch (e) {
    return { error: `invalid JSON arguments: ${e instanceof Error ? e.message : String(e)}`, raw };
  }
}

function toRequested(id: string, name: string, raw: unknown): RequestedToolCall {
  const parsed = parseInput(raw);
  if ("input" in parsed) return { id, name, input: parsed.input };
  // The history keeps `{}` so the conversation stays valid for every provider; the raw text goes to the model
  // in the error result instead.
  return { id, name, input: {}, inputError: parsed.error, rawInput: parsed.raw.slice(0, RAW_PREVIEW) };
}

/**
 * The turn's tool calls, in call order. The completed response is authoritative when it lists tool calls
 * (its inputs may still be strings if the provider did not parse them); otherwise the streamed deltas are.
 * Calls without an id get `call_<requestId>_<n>`.
 */
export function assembleToolCalls(
  partials: PartialToolCall[],
  response: LlmResponse,
  requestId: number,
): RequestedToolCall[] {
  const fromResponse: ToolCall[] = response.message.toolCalls ?? [];
  const sortedPartials = [...partials].sort((a, b) => a.index - b.index);
  const calls =
    fromResponse.length > 0
      ? fromResponse.map((c) => {
          const streamed = sortedPartials.find((p) => p.id !== "" && p.id === c.id);
          const raw = c.input === undefined && streamed ? streamed.args : c.input;
          return toRequested(c.id, c.name, raw);
        })
      : sortedPartials.map((p) => toRequested(p.id, p.name, p.args));
  const seen = new Set<string>();
  return calls.map((c, n) => {
    const id = c.id === "" || seen.has(c.id) ? `call_${requestId}_${n}` : c.id;
    seen.add(id);
    return id === c.id ? c : { ...c, id };
  });
}

/** The assistant message that goes into the history. */
export function assistantMessage(
  streamedText: string,
  response: LlmResponse,
  calls: RequestedToolCall[],
): AssistantMessage {
  const content = response.message.content !== "" ? response.message.content : streamedText;
  return message(
    content,
    calls.map((c) => ({ id: c.id, name: c.name, input: c.input })),
  );
}
