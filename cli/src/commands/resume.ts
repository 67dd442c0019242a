/** `loom resume [id]`: continue a thread in the REPL (default: the latest one of this workspace). */
import { defineCommand } from "citty";
import { sessionInitFromArgs } from "../session/from-args.ts";
import { sessionArgs } from "../session/global-flags.ts";

export default defineCommand({
  meta: { name: "resume", description: "Continue a thread (default: the latest one in this workspace)" },
  args: {
    ...sessionArgs,
    id: { type: "positional", required: false, description: "Thread id or a unique part of it" },
  },
  async run({ args }) {
    const { startRepl } = await import("../repl/repl.ts");
    const init = sessionInitFromArgs(args);
    init.resume = typeof args.id === "string" && args.id ? args.id : "last";
    await startRepl(init);
  },
});
