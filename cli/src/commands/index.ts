import type { CommandDef } from "citty";

type Lazy = () => Promise<CommandDef>;

/** Every subcommand, loaded only when it runs (keeps `loom --version` and `--help` fast). */
export const subCommands: Record<string, Lazy> = {
  version: () => import("./version.ts").then((m) => m.default as CommandDef),
};
