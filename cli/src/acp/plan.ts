/**
 * The model's plan, as ACP `plan` entries. Loom has no plan tool: a plan is a Markdown task list
 * the model writes in a reply (outside code fences). `- [ ]` is pending, `- [x]` completed, and
 * `- [~]`, `- [-]` or `- [>]` in progress. The latest reply with a task list is the plan; a task
 * named twice in one reply takes its last status.
 */
import type * as acp from "@agentclientprotocol/sdk";

const ITEM = /^\s*(?:[-*+]|\d+[.)])\s+\[([ xX~>-])\]\s+(.+?)\s*$/;
const FENCE = /^\s*(```|~~~)/;

function statusOf(mark: string): acp.PlanEntryStatus {
  if (mark === "x" || mark === "X") return "completed";
  if (mark === " ") return "pending";
  return "in_progress";
}

/** The task-list items of `text` (complete lines only when `complete` is false). */
export function parsePlan(text: string, complete = true): acp.PlanEntry[] {
  const lines = text.split("\n");
  if (!complete) lines.pop();
  const entries: acp.PlanEntry[] = [];
  let fenced = false;
  for (const line of lines) {
    if (FENCE.test(line)) {
      fenced = !fenced;
      continue;
    }
    const m = fenced ? null : ITEM.exec(line);
    if (!m) continue;
    // The same task again (a list restated with progress) keeps its place and takes the new status.
    const entry: acp.PlanEntry = { content: m[2]!, priority: "medium", status: statusOf(m[1]!) };
    const i = entries.findIndex((e) => e.content === entry.content);
    if (i >= 0) entries[i] = entry;
    else entries.push(entry);
  }
  return entries;
}

export function samePlan(a: readonly acp.PlanEntry[], b: readonly acp.PlanEntry[]): boolean {
  return a.length === b.length && a.every((e, i) => e.content === b[i]?.content && e.status === b[i]?.status);
}

/**
 * Follows one reply's streamed text and says when its task list changed. A reply without a task
 * list leaves the plan alone.
 */
export function planTracker(initial: readonly acp.PlanEntry[] = []) {
  let current: readonly acp.PlanEntry[] = initial;
  let reply = "";
  const check = (complete: boolean): acp.PlanEntry[] | undefined => {
    const entries = parsePlan(reply, complete);
    if (entries.length === 0 || samePlan(entries, current)) return undefined;
    current = entries;
    return entries;
  };
  return {
    get current() {
      return current;
    },
    /** Adds streamed text; returns the new plan when a finished line changed it. */
    text(delta: string): acp.PlanEntry[] | undefined {
      reply += delta;
      return delta.includes("\n") ? check(false) : undefined;
    },
    /** A whole stored reply at once; returns the new plan when it changed it. */
    reply(text: string): acp.PlanEntry[] | undefined {
      reply = text;
      return this.endReply();
    },
    /** The reply ended (a tool call, a usage report, the turn's end): its last line counts too. */
    endReply(): acp.PlanEntry[] | undefined {
      const changed = check(true);
      reply = "";
      return changed;
    },
  };
}

export type PlanTracker = ReturnType<typeof planTracker>;

/** The plan a stored conversation ended with (the last assistant reply with a task list). */
export function planOf(messages: readonly { role: string; content?: unknown }[]): acp.PlanEntry[] {
  const tracker = planTracker();
  for (const m of messages) {
    if (m.role !== "assistant" || typeof m.content !== "string") continue;
    tracker.reply(m.content);
  }
  return [...tracker.current];
}
