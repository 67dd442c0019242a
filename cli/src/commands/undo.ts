/**
 * `loom undo`: revert the files the agent changed in the most recent turn made in this workspace
 * (any of its threads, or the one given with --thread); run again to go further back. `--list`
 * shows what can be undone, newest first.
 */
import { join } from "node:path";
import { LoomError } from "@loom/runtime/errors";
import { dataDir } from "@loom/runtime/paths";
import { defineCommand } from "citty";
import { ExitError, UsageError } from "../cli.ts";

export default defineCommand({
  meta: {
    name: "undo",
    description: "Revert the files the agent changed in the last turn (again to go further back)",
  },
  args: {
    list: { type: "boolean", description: "List the turns that can be undone" },
    force: { type: "boolean", description: "Revert even files changed since the agent edited them" },
    thread: { type: "string", description: "Only this thread (default: every thread of this workspace)" },
    workspace: { type: "string", description: "Workspace directory (default: the current directory)" },
    json: { type: "boolean", description: "Print JSON" },
  },
  async run({ args }) {
    const { realWorkspace } = await import("../session/workspace-dir.ts");
    let workspace: string;
    try {
      workspace = realWorkspace(args.workspace ?? process.cwd());
    } catch (e) {
      // A bad --workspace is bad usage, as for `run` and the REPL (exit 2).
      if (args.workspace === undefined) throw e;
      throw new UsageError((e as Error).message);
    }
    const data = dataDir();
    const { createThreadStore } = await import("@loom/runtime/threads/store");
    const { listEntries, resolveTarget, undoLatest } = await import("@loom/runtime/undo/snapshots");
    const store = createThreadStore({ dir: join(data, "threads") });
    const target = resolveTarget(workspace, data);
    const out = (s: string): void => void process.stdout.write(`${s}\n`);
    // One thread if named; else every thread of this workspace (a repository can hold several).
    const threadId = args.thread ? store.resolve(args.thread).id : undefined;
    // A thread whose file cannot be read still has its snapshots here: they stay undoable.
    const entries = listEntries(target, threadId).filter((e) => {
      if (threadId !== undefined) return true;
      const t = store.get(e.threadId);
      return t === undefined || t.workspace === workspace;
    });

    if (args.list) {
      if (args.json) return out(JSON.stringify(entries));
      if (entries.length === 0) return out("nothing to undo");
      for (const e of entries) {
        out(`${e.threadId} turn ${e.turn}  ${e.createdAt}  ${e.summary}`);
        for (const f of e.files) out(`    ${f.status} ${f.path}`);
      }
      return;
    }
    const newest = entries[0];
    if (!newest) throw new LoomError("NOT_FOUND", "nothing to undo");
    const r = undoLatest(target, newest.threadId, { force: args.force === true });
    if (args.json) out(JSON.stringify(r));
    if (r.conflicts.length > 0 && !args.force) {
      process.stderr.write(
        `loom: not undone: changed since the agent edited them: ${r.conflicts.join(", ")} (use --force to revert anyway)\n`,
      );
      throw new ExitError(1);
    }
    if (!args.json) {
      out(`reverted turn ${r.entry.turn} of ${r.entry.threadId}: ${r.entry.summary}`);
      for (const p of r.restored) out(`    restored ${p}`);
      for (const p of r.removed) out(`    removed  ${p}`);
    }
  },
});
