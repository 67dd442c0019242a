/** `loom private`: a REPL whose thread stays on this machine (never synced). */
import { defineCommand } from "citty";
import { sessionInitFromArgs } from "../session/from-args.ts";
import { sessionArgs } from "../session/global-flags.ts";

export default defineCommand({
  meta: { name: "private", description: "Interactive session whose thread never leaves this machine" },
  args: sessionArgs,
  async run({ args }) {
    const { startRepl } = await import("../repl/repl.ts");
    await startRepl({ ...sessionInitFromArgs(args), isPrivate: true });
  },
});
