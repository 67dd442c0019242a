/** `loom` / `loom repl`: the interactive REPL in the current directory. */
import { defineCommand } from "citty";
import { sessionInitFromArgs } from "../session/from-args.ts";
import { sessionArgs } from "../session/global-flags.ts";

export default defineCommand({
  meta: {
    name: "repl",
    description: "Interactive session in the current directory (what `loom` alone runs)",
  },
  args: sessionArgs,
  async run({ args }) {
    const { startRepl } = await import("../repl/repl.ts");
    await startRepl(sessionInitFromArgs(args));
  },
});
