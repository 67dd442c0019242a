/**
 * What an LLM request cut off before its `completed` event (cancel, shutdown) cost: the provider's
 * last report, with output estimated from the text received when that is more, or, with no report,
 * an estimate from the characters sent and received. Estimates carry `estimated: true`.
 */
import type { Usage } from "../llm.ts";

export interface StreamSoFar {
  /** Characters sent (messages, system prompt, tool specs) and received (text and tool arguments). */
  sentChars: number;
  receivedChars: number;
  /** The last `usage` event (providers report running totals). */
  reported?: Usage;
}

/** Rough tokens of text, for usage no provider reported (about 4 characters a token). */
const CHARS_PER_TOKEN = 4;

/** What a request cut off before `completed` cost: the usage it reported, else an estimate (flagged). */
export function partialUsage(s: StreamSoFar): Usage {
  const estimatedOut = Math.ceil(s.receivedChars / CHARS_PER_TOKEN);
  const r = s.reported;
  if (r && r.inputTokens + (r.cacheReadTokens ?? 0) + (r.cacheWriteTokens ?? 0) > 0) {
    // Output tokens are reported at the end of a stream; until then only the received text says.
    if (r.outputTokens >= estimatedOut) return r;
    return { ...r, outputTokens: estimatedOut, estimated: true };
  }
  return {
    inputTokens: Math.ceil(s.sentChars / CHARS_PER_TOKEN),
    outputTokens: estimatedOut,
    estimated: true,
  };
}
