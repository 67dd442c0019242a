/**
 * `/context`: what fills the context window, by part (system prompt and instruction files, tool
 * definitions, the conversation by kind), estimated the way compaction counts (~4 characters a
 * token, a fixed share per image; runtime/src/threads/compact.ts).
 */
import type { Message } from "@loom/runtime/llm";
import { estimateTokens } from "@loom/runtime/threads/compact";
import type { Tool } from "@loom/runtime/tool";

export interface ContextPart {
  label: string;
  tokens: number;
}

export interface ContextReport {
  parts: ContextPart[];
  total: number;
  contextWindow: number;
  /** The biggest single messages (tool results, pasted text), largest first. */
  largest: ContextPart[];
}

const chars = (n: number) => Math.ceil(n / 4);

export function contextReport(o: {
  system: string;
  tools: readonly Tool[];
  messages: readonly Message[];
  contextWindow: number;
}): ContextReport {
  const toolSpecs = JSON.stringify(
    o.tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema })),
  );
  const kinds = { user: 0, assistant: 0, calls: 0, results: 0 };
  const sized: ContextPart[] = [];
  for (const m of o.messages) {
    const t = estimateTokens([m]);
    if (m.role === "user") kinds.user += t;
    else if (m.role === "tool") {
      kinds.results += t;
      sized.push({ label: `${m.name} result`, tokens: t });
    } else {
      const callTokens = m.toolCalls ? chars(JSON.stringify(m.toolCalls).length) : 0;
      kinds.calls += callTokens;
      kinds.assistant += t - callTokens;
    }
    if (m.role === "user") sized.push({ label: "user message", tokens: t });
  }
  const parts: ContextPart[] = [
    { label: "system prompt and instructions", tokens: chars(o.system.length) },
    { label: `tool definitions (${o.tools.length})`, tokens: chars(toolSpecs.length) },
    { label: "your messages", tokens: kinds.user },
    { label: "model replies", tokens: kinds.assistant },
    { label: "tool calls", tokens: kinds.calls },
    { label: "tool results", tokens: kinds.results },
  ];
  const total = parts.reduce((n, p) => n + p.tokens, 0);
  const largest = sized.sort((a, b) => b.tokens - a.tokens).slice(0, 3);
  return { parts, total, contextWindow: o.contextWindow, largest };
}
