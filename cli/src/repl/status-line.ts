/**
 * The REPL's status line: model, permission and sandbox modes, how full the context window is,
 * the thread's tokens and cost, and what is running (a tool and how long it has run, or
 * `thinking…`). It fits one terminal row: parts that do not fit are dropped, least useful first.
 */
import type { Usage } from "@loom/runtime/llm";
import { defaultSandboxMode } from "@loom/runtime/sandbox/policy";
import type { Thread } from "@loom/runtime/thread";
import { addUsage } from "../session/usage.ts";
import type { Style } from "./style.ts";
import { formatCost, formatTokens } from "./tool-display.ts";

export interface StatusInfo {
  model: string;
  permissionMode: string;
  sandboxMode: string;
  /** Tokens the context holds (the last request's input plus its reply); undefined before the first request. */
  contextTokens?: number;
  contextWindow: number;
  /** The thread's tokens in and out so far. */
  tokens: number;
  costUsd?: number;
  costPartial?: boolean;
}

/** What the status line reads of a session (a subset of `Session`). */
export interface StatusSession {
  readonly model: string;
  readonly permissionMode: string;
  readonly contextWindow: number;
  readonly config: { sandbox: { mode?: string | undefined } };
  readonly thread: { id: string };
  cost(): Totals;
}

/** Tokens in context after a request: what it sent (cached or not) plus what came back. */
export function contextTokens(u: Usage): number {
  return u.inputTokens + (u.cacheReadTokens ?? 0) + (u.cacheWriteTokens ?? 0) + u.outputTokens;
}

/** A thread's running totals, as `Session.cost()` gives them. */
export type Totals = { usage: Usage; costUsd?: number; costPartial?: boolean };

/**
 * Follows a turn's requests: the context figure (the last request of the current thread) and the
 * usage not yet in the thread's totals (they are added when the turn ends).
 */
export function createUsageMeter() {
  let last: { threadId: string; tokens: number } | undefined;
  let turn: Thread["usage"];
  return {
    usage(threadId: string, model: string, u: Usage) {
      last = { threadId, tokens: contextTokens(u) };
      turn = addUsage(turn, model, u);
    },
    turnEnded() {
      turn = undefined;
    },
    context(threadId: string): number | undefined {
      return last?.threadId === threadId ? last.tokens : undefined;
    },
    /** `thread` plus what this turn used so far. */
    totals(thread: Totals): Totals {
      if (!turn) return thread;
      const usage = {
        inputTokens: thread.usage.inputTokens + turn.inputTokens,
        outputTokens: thread.usage.outputTokens + turn.outputTokens,
      };
      const priced = thread.costUsd !== undefined || turn.costUsd !== undefined;
      if (!priced) return { usage };
      const unpriced =
        (thread.costUsd === undefined && thread.usage.inputTokens + thread.usage.outputTokens > 0) ||
        (turn.costUsd === undefined && turn.inputTokens + turn.outputTokens > 0);
      const out: Totals = { usage, costUsd: (thread.costUsd ?? 0) + (turn.costUsd ?? 0) };
      if (unpriced || thread.costPartial || turn.costPartial) out.costPartial = true;
      return out;
    },
  };
}

export function statusInfo(
  s: StatusSession,
  context: number | undefined,
  totals: Totals = s.cost(),
): StatusInfo {
  const { usage, costUsd, costPartial } = totals;
  const info: StatusInfo = {
    model: s.model,
    permissionMode: s.permissionMode,
    sandboxMode: s.config.sandbox.mode ?? defaultSandboxMode(s.permissionMode),
    contextWindow: s.contextWindow,
    tokens: usage.inputTokens + usage.outputTokens,
  };
  if (context !== undefined) info.contextTokens = context;
  if (costUsd !== undefined) info.costUsd = costUsd;
  if (costPartial) info.costPartial = true;
  return info;
}

/** The figures in the order shown, each with the rank at which it is dropped (lowest first). */
function figures(info: StatusInfo): Array<{ text: string; drop: number }> {
  const ctx =
    info.contextTokens === undefined
      ? "ctx –"
      : `ctx ${Math.round((100 * info.contextTokens) / Math.max(1, info.contextWindow))}%`;
  return [
    { text: info.model, drop: 3 },
    { text: info.permissionMode, drop: 4 },
    { text: `sandbox ${info.sandboxMode}`, drop: 1 },
    { text: `${ctx} of ${formatTokens(info.contextWindow)}`, drop: 6 },
    { text: `${formatTokens(info.tokens)} tokens`, drop: 2 },
    ...(info.costUsd === undefined ? [] : [{ text: formatCost(info.costUsd, info.costPartial), drop: 5 }]),
  ];
}

/**
 * One line of at most `width - 1` columns. `activity`: what runs now (`bash npm test · 12.0 s`),
 * shown first after a `⋯`; then the session's figures, the least useful dropped when the row is narrow.
 * @example formatStatus(info, "bash ls · 2.0 s", 120, style)
 * // "⋯ bash ls · 2.0 s │ claude-sonnet-4-6 · ask · sandbox workspace-write · ctx 3% of 200.0k · 6.1k tokens · $0.0200"
 */
export function formatStatus(
  info: StatusInfo,
  activity: string | undefined,
  width: number,
  style: Style,
): string {
  const room = Math.max(1, width - 1);
  let head = activity ? `⋯ ${activity}` : "";
  if (Bun.stringWidth(head) > room) head = `${[...head].slice(0, room - 1).join("")}…`;
  let parts = figures(info);
  for (;;) {
    const text = [head, parts.map((p) => p.text).join(" · ")].filter(Boolean).join(" │ ");
    if (Bun.stringWidth(text) <= room || parts.length === 0) return style.dim(text);
    const least = Math.min(...parts.map((p) => p.drop));
    parts = parts.filter((p) => p.drop !== least);
  }
}
