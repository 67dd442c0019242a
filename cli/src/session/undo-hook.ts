/**
 * Wires undo snapshots into a session: a mutating tool records the pre-turn tree before its
 * first call in a turn, the agent's postTools hook records the post tree, and the end of the turn
 * closes the entry (and auto-commits when `git.auto_commit` is on). Git trouble never fails a
 * tool: it turns into one notice and snapshots stop for the session.
 */
import { formatError } from "@loom/runtime/errors";
import type { Tool } from "@loom/runtime/tool";
import { autoCommit } from "@loom/runtime/undo/auto-commit";
import type { RepoInfo } from "@loom/runtime/undo/git";
import { createSnapshots, type Snapshots, type UndoEntry } from "@loom/runtime/undo/snapshots";
import type { SessionListener } from "./events.ts";

export interface UndoHook {
  /** Mutating tools snapshot the workspace before their first call of a turn. */
  wrap(tools: readonly Tool[]): Tool[];
  /** Starts a user turn; its request labels the snapshot. */
  beginTurn(prompt: string): void;
  /** For `createAgent({ hooks: { postTools } })`. */
  postTools(): void;
  /** Closes the turn's entry; `prompt` names an auto-commit. */
  endTurn(prompt: string): UndoEntry | undefined;
  /** Snapshots of the current thread (created on first use). */
  current(): Snapshots;
}

export interface UndoHookOptions {
  workspace: string;
  dataDir: string;
  threadId: () => string;
  enabled: boolean;
  autoCommit: boolean;
  emit: SessionListener;
  /** The workspace's repository as the session read it at start (git is not asked again). */
  repo?: RepoInfo | undefined;
}

export function createUndoHook(o: UndoHookOptions): UndoHook {
  let snaps: Snapshots | undefined;
  let snapsThread = "";
  let broken = false;
  let entry: UndoEntry | undefined;
  let summary = "";

  const current = (): Snapshots => {
    const id = o.threadId();
    if (!snaps || snapsThread !== id) {
      snaps = createSnapshots({
        workspace: o.workspace,
        dataDir: o.dataDir,
        threadId: id,
        repo: o.repo ?? null,
      });
      snapsThread = id;
    }
    return snaps;
  };

  const guarded = (what: string, fn: () => void): void => {
    if (!o.enabled || broken) return;
    try {
      fn();
    } catch (e) {
      broken = true;
      o.emit({
        type: "session.notice",
        level: "warn",
        message: `undo snapshots disabled (${what}): ${formatError(e)}`,
      });
    }
  };

  return {
    wrap(tools) {
      return tools.map((t) =>
        t.mutating
          ? {
              ...t,
              invoke: (input, ctx) => {
                guarded("before tool", () => current().begin());
                return t.invoke(input, ctx);
              },
            }
          : t,
      );
    },
    beginTurn(prompt) {
      summary = prompt;
      entry = undefined;
    },
    postTools() {
      guarded("after tools", () => {
        const e = current().commit(summary);
        if (e) entry = e;
      });
    },
    endTurn(prompt) {
      summary = "";
      const done = entry;
      entry = undefined;
      if (!o.enabled || broken) return undefined;
      // A turn that changed nothing never opened the snapshot store: leave it (and git) alone.
      snaps?.endTurn();
      if (!done) return undefined;
      o.emit({ type: "undo.recorded", entry: done });
      if (o.autoCommit) {
        const r = autoCommit(current().target, done, prompt);
        o.emit(
          r.ok && r.commit
            ? { type: "git.committed", commit: r.commit, message: r.message }
            : { type: "session.notice", level: "warn", message: `auto-commit: ${r.message}` },
        );
      }
      return done;
    },
    current,
  };
}
