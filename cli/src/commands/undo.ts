/**
 * `loom undo`: revert the files the agent changed in the last turn of this workspace's latest
 * thread (run again to go further back); `--list` shows what can be undone.
 */
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "@loom/runtime/paths";
import { defineCommand } from "citty";
import { ExitError } from "../cli.ts";

export default defineCommand({
  meta: {
    name: "undo",
    description: "Revert the files the agent changed in the last turn (again to go further back)",
  },
  args: {
    list: { type: "boolean", description: "List the turns that can be undone" },
    force: { type: "boolean", description: "Revert even files changed since the agent edited them" },
    thread: { type: "string", description: "Thread id (default: the latest thread of this workspace)" },
    workspace: { type: "string", description: "Workspace directory (default: the current directory)" },
    json: { type: "boolean", description: "Print JSON" },
  },
  async run({ args }) {
    const workspace = realpathSync(args.workspace ?? process.cwd());
    const data = dataDir();
    const { createThreadStore } = await import("@loom/runtime/threads/store");
    const { listEntries, resolveTarget, undoLatest } = await import("@loom/runtime/undo/snapshots");
    const store = createThreadStore({ dir: join(data, "threads") });
    const threadId = args.thread ? store.resolve(args.thread).id : store.last(workspace)?.id;
    const target = resolveTarget(workspace, data);
    const out = (s: string): void => void process.stdout.write(`${s}\n`);

    if (args.list) {
      const entries = listEntries(target, threadId);
      if (args.json) return out(JSON.stringify(entries));
      if (entries.length === 0) return out("nothing to undo");
      for (const e of entries) {
        out(`${e.threadId} turn ${e.turn}  ${e.createdAt}  ${e.summary}`);
        for (const f of e.files) out(`    ${f.status} ${f.path}`);
      }
      return;
    }
    const r = undoLatest(target, threadId, { force: args.force === true });
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
