/**
 * `loom resume [id]`: continue a thread in the REPL. Without an id, a terminal gets the thread
 * picker (search as you type; Esc leaves without resuming); elsewhere the workspace's latest thread.
 */
import { defineCommand } from "citty";
import { sessionInitFromArgs } from "../session/from-args.ts";
import { sessionArgs } from "../session/global-flags.ts";

export default defineCommand({
  meta: {
    name: "resume",
    description: "Continue a thread (a picker on a terminal; else the latest one here)",
  },
  args: {
    ...sessionArgs,
    id: { type: "positional", required: false, description: "Thread id or a unique part of it" },
  },
  async run({ args }) {
    const { startRepl } = await import("../repl/repl.ts");
    const init = sessionInitFromArgs(args);
    init.resume = typeof args.id === "string" && args.id ? args.id : "last";
    if (init.resume === "last" && process.stdin.isTTY && process.stdout.isTTY) {
      const { chooseThread } = await import("../repl/resume-picker.ts");
      const chosen = await chooseThread(init.workspace ?? process.cwd());
      if (chosen === null) return;
      if (chosen !== undefined) init.resume = chosen;
    }
    await startRepl(init);
  },
});
