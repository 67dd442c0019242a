/**
 * `/compact [focus]`: the whole conversation becomes one summary written by the model (the
 * extract of compact.ts when the model cannot answer), and the thread goes on from it.
 */
import type { LlmClient, Message } from "@loom/runtime/llm";
import { estimateTokens, extractiveSummary, llmSummarizer, withSummary } from "@loom/runtime/threads/compact";

export interface CompactNow {
  messages: Message[];
  beforeTokens: number;
  afterTokens: number;
  summarySource: "llm" | "extractive";
}

export async function compactNow(
  messages: readonly Message[],
  o: { llm: LlmClient; model: string; focus?: string; systemChars?: number; signal?: AbortSignal },
): Promise<CompactNow | undefined> {
  if (messages.length === 0) return undefined;
  const beforeTokens = estimateTokens(messages, o.systemChars ?? 0);
  let summary: string | undefined;
  try {
    summary =
      (await llmSummarizer(o.llm, o.model, undefined, o.focus)([...messages], o.signal)).trim() || undefined;
  } catch {
    summary = undefined;
  }
  const summarySource = summary ? "llm" : "extractive";
  const note = withSummary(
    [],
    summary ?? extractiveSummary(messages),
    summary ? "by the model, on request" : "extract",
  );
  const out: Message[] = [
    ...note,
    { role: "assistant", content: "Understood. I will continue from this summary." },
  ];
  return { messages: out, beforeTokens, afterTokens: estimateTokens(out, o.systemChars ?? 0), summarySource };
}
