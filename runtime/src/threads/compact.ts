/**
 * Context compaction for a conversation that outgrows the model's window. Two stages, cheapest
 * first: (1) old tool output is pruned (the calls stay, their bulky results are replaced by a
 * marker); (2) if that is not enough, everything before the last few user turns becomes one
 * summary, written by the model or, when that fails, extracted deterministically.
 */
import type { LlmClient, Message } from "../llm.ts";

export interface CompactOptions {
  contextWindow: number;
  /** Tokens kept free for the reply and the tool specs. */
  reserveTokens: number;
  /** Fraction of the usable window at which compaction starts. Default 0.85. */
  threshold?: number;
  /** User turns kept verbatim when summarising. Default 2. */
  keepTurns?: number;
  /** Length of the system prompt, counted against the window. */
  systemChars?: number;
  summarize?: (head: Message[], signal?: AbortSignal) => Promise<string>;
  signal?: AbortSignal;
}

export interface CompactionResult {
  messages: Message[];
  stage: "none" | "pruned" | "summarized";
  beforeTokens: number;
  afterTokens: number;
  summarySource?: "llm" | "extractive";
}

const PRUNE_MIN_CHARS = 400;
const PER_MESSAGE_TOKENS = 4;
/** An image's share of the context: Anthropic's cost of a full-size image (~1.15 MP), the largest of the providers'. */
const PER_IMAGE_TOKENS = 1600;

/** A rough, provider-independent estimate: ~4 characters per token, a fixed share per image. */
export function estimateTokens(messages: readonly Message[], systemChars = 0): number {
  let chars = systemChars;
  let images = 0;
  for (const m of messages) {
    chars += m.content.length;
    if (m.role === "assistant" && m.toolCalls) chars += JSON.stringify(m.toolCalls).length;
    if ((m.role === "user" || m.role === "tool") && m.images) images += m.images.length;
  }
  return Math.ceil(chars / 4) + messages.length * PER_MESSAGE_TOKENS + images * PER_IMAGE_TOKENS;
}

/** Index of the user message that starts the `n`-th last user turn (0 when there are fewer). */
export function turnStart(messages: readonly Message[], n: number): number {
  let seen = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === "user" && ++seen === n) return i;
  }
  return 0;
}

/** Replaces the content of bulky tool results before index `keepFrom` with a short marker. */
export function pruneToolOutputs(messages: readonly Message[], keepFrom: number): Message[] {
  return messages.map((m, i) => {
    if (i >= keepFrom || m.role !== "tool" || m.content.length < PRUNE_MIN_CHARS) return m;
    return { ...m, content: `[output pruned to save context; it was ${m.content.length} characters]` };
  });
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** A summary built from the messages alone: requests, answers, files touched, commands run. */
export function extractiveSummary(messages: readonly Message[]): string {
  const requests: string[] = [];
  const answers: string[] = [];
  const files = new Set<string>();
  const commands: string[] = [];
  for (const m of messages) {
    if (m.role === "user") requests.push(`- ${clip(m.content, 200)}`);
    if (m.role !== "assistant") continue;
    if (m.content.trim()) answers.push(`- ${clip(m.content, 200)}`);
    for (const call of m.toolCalls ?? []) {
      const input = (call.input ?? {}) as Record<string, unknown>;
      for (const key of ["path", "file", "file_path"])
        if (typeof input[key] === "string") files.add(input[key]);
      if (typeof input.command === "string") commands.push(`- ${clip(input.command, 120)}`);
    }
  }
  const parts = [`User requests:\n${requests.slice(-20).join("\n") || "- (none)"}`];
  if (answers.length) parts.push(`Assistant replies:\n${answers.slice(-10).join("\n")}`);
  if (files.size) parts.push(`Files involved: ${[...files].slice(0, 50).join(", ")}`);
  if (commands.length) parts.push(`Commands run:\n${commands.slice(-10).join("\n")}`);
  return parts.join("\n\n");
}

/** Folds a summary into the first kept user message, so roles still alternate. */
export function withSummary(tail: Message[], summary: string, source: string): Message[] {
  const note = `[Earlier conversation, summarised (${source}) to fit the context window]\n${summary}\n[End of summary]`;
  const [first, ...rest] = tail;
  if (first?.role === "user") return [{ role: "user", content: `${note}\n\n${first.content}` }, ...rest];
  return [{ role: "user", content: note }, ...tail];
}

export async function compactMessages(messages: Message[], o: CompactOptions): Promise<CompactionResult> {
  const limit = Math.max(1, Math.floor((o.contextWindow - o.reserveTokens) * (o.threshold ?? 0.85)));
  const size = (ms: readonly Message[]) => estimateTokens(ms, o.systemChars ?? 0);
  const beforeTokens = size(messages);
  if (beforeTokens <= limit) return { messages, stage: "none", beforeTokens, afterTokens: beforeTokens };

  const keepTurns = Math.max(1, o.keepTurns ?? 2);
  let keepFrom = turnStart(messages, keepTurns);
  const pruned = pruneToolOutputs(messages, keepFrom);
  if (size(pruned) <= limit)
    return { messages: pruned, stage: "pruned", beforeTokens, afterTokens: size(pruned) };

  // Keep fewer turns if even the tail is too big; a single giant turn gets its own output pruned.
  for (let n = keepTurns; n > 1 && size(messages.slice(keepFrom)) > limit / 2; n--)
    keepFrom = turnStart(messages, n - 1);
  const head = pruned.slice(0, keepFrom);
  let tail = pruned.slice(keepFrom);
  if (size(tail) > limit / 2) tail = pruneToolOutputs(tail, Math.max(0, tail.length - 2));

  let summary: string | undefined;
  let source: "llm" | "extractive" = "extractive";
  if (head.length > 0 && o.summarize) {
    try {
      summary = (await o.summarize(head, o.signal)).trim() || undefined;
      if (summary) source = "llm";
    } catch {
      summary = undefined;
    }
  }
  if (head.length === 0) return { messages: tail, stage: "pruned", beforeTokens, afterTokens: size(tail) };
  summary ??= extractiveSummary(head);
  const out = withSummary(tail, summary, source === "llm" ? "by the model" : "extract");
  return { messages: out, stage: "summarized", beforeTokens, afterTokens: size(out), summarySource: source };
}

const SUMMARY_PROMPT =
  "Summarise this coding session so another engineer can continue it: the user's goals, decisions made, " +
  "files read or changed (with paths), commands run and their outcome, and what is still open. " +
  "Be factual and brief (at most 400 words). Do not invent anything.";

/**
 * A `summarize` that asks the model itself; the transcript is clipped to fit a small budget.
 * `focus` (`/compact <focus>`) tells it what to keep in most detail.
 */
export function llmSummarizer(llm: LlmClient, model: string, maxChars = 200_000, focus?: string) {
  const system = focus?.trim() ? `${SUMMARY_PROMPT}\nFocus the summary on: ${focus.trim()}` : SUMMARY_PROMPT;
  return async (head: Message[], signal?: AbortSignal): Promise<string> => {
    const lines: string[] = [];
    for (const m of head) {
      if (m.role === "tool") lines.push(`[tool ${m.name} result] ${clip(m.content, 500)}`);
      else if (m.role === "assistant") {
        const calls = (m.toolCalls ?? []).map((c) => `${c.name}(${clip(JSON.stringify(c.input), 200)})`);
        lines.push(`[assistant] ${m.content}${calls.length ? `\n[calls] ${calls.join("; ")}` : ""}`);
      } else lines.push(`[user] ${m.content}`);
    }
    let transcript = lines.join("\n\n");
    if (transcript.length > maxChars) transcript = transcript.slice(transcript.length - maxChars);
    const res = await llm.complete(
      { model, system, messages: [{ role: "user", content: transcript }], maxTokens: 1024 },
      signal,
    );
    return res.message.content;
  };
}
