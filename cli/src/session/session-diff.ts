/**
 * `/diff`: what the agent changed in this thread, turn by turn, from the undo snapshots
 * (undo-hook.ts): each turn's pre-turn tree against its post-turn tree, so edits the user made
 * between turns are not counted as the agent's. A turn already undone is gone from the list.
 */
import { gitText } from "@loom/runtime/undo/git";
import type { SnapshotTarget, UndoEntry } from "@loom/runtime/undo/snapshots";

export function sessionDiff(target: SnapshotTarget, entries: readonly UndoEntry[]): string {
  const turns = [...entries].sort((a, b) => a.turn - b.turn);
  const parts: string[] = [];
  for (const e of turns) {
    const patch = gitText(["diff", "--no-color", "--no-ext-diff", e.pre, e.commit], {
      cwd: target.workspace,
      env: target.env,
    });
    parts.push(`# turn ${e.turn}: ${e.summary}\n${patch.trimEnd()}`);
  }
  return parts.join("\n\n");
}
