/**
 * Counts the tool calls of a run that were refused permission (results starting `PERMISSION_DENIED`:
 * a headless or read-only refusal, a "no" at the terminal, a plugin without a grant), so `loom run`
 * can say that the task was not fully done.
 */
import type { SessionEvent } from "./events.ts";

export interface RefusedCalls {
  event(e: SessionEvent): void;
  readonly count: number;
  /** One line: how many calls, of which tools, and the first refusal's reason. */
  summary(): string;
}

export function refusedCalls(): RefusedCalls {
  const byTool = new Map<string, number>();
  let count = 0;
  let first = "";
  return {
    event(e) {
      if (e.type !== "tool.completed" || !e.isError || !e.result.startsWith("PERMISSION_DENIED")) return;
      count++;
      byTool.set(e.name, (byTool.get(e.name) ?? 0) + 1);
      first ||= e.result.split("\n")[0] ?? "";
    },
    get count() {
      return count;
    },
    summary() {
      const tools = [...byTool].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(", ");
      const calls = count === 1 ? "1 tool call was" : `${count} tool calls were`;
      return `the model finished, but ${calls} refused permission (${tools}), so the task may not be done. ${first}`;
    },
  };
}
