import type { CommandDef } from "citty";

type Lazy = () => Promise<CommandDef>;

/** Every subcommand, loaded only when it runs (keeps `loom --version` and `--help` fast). */
export const subCommands: Record<string, Lazy> = {
  version: () => import("./version.ts").then((m) => m.default as CommandDef),
  serve: () => import("./serve.ts").then((m) => m.default as CommandDef),
  admin: () => import("./admin.ts").then((m) => m.default as CommandDef),
  login: () => import("./login.ts").then((m) => m.default as CommandDef),
  org: () => import("./org.ts").then((m) => m.default as CommandDef),
  apikey: () => import("./apikey.ts").then((m) => m.default as CommandDef),
  logout: () => import("./logout.ts").then((m) => m.default as CommandDef),
  whoami: () => import("./whoami.ts").then((m) => m.default as CommandDef),
  "acp-agent": () => import("./acp-agent.ts").then((m) => m.default as CommandDef),
  run: () => import("./run.ts").then((m) => m.default as CommandDef),
  repl: () => import("./repl.ts").then((m) => m.default as CommandDef),
  resume: () => import("./resume.ts").then((m) => m.default as CommandDef),
  private: () => import("./private.ts").then((m) => m.default as CommandDef),
  threads: () => import("./threads.ts").then((m) => m.default as CommandDef),
  undo: () => import("./undo.ts").then((m) => m.default as CommandDef),
  plugin: () => import("./plugin.ts").then((m) => m.default as CommandDef),
  tools: () => import("./tools.ts").then((m) => m.default as CommandDef),
  mcp: () => import("./mcp.ts").then((m) => m.default as CommandDef),
  new: () => import("./new.ts").then((m) => m.default as CommandDef),
  attach: () => import("./attach.ts").then((m) => m.default as CommandDef),
  weaver: () => import("./weaver.ts").then((m) => m.default as CommandDef),
  models: () => import("./models.ts").then((m) => m.default as CommandDef),
};
