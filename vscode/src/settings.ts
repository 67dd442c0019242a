/** The extension's settings (`loom.*` in package.json `contributes.configuration`) and the agent command they make. */
import type { AgentCommand } from "./agent-process.ts";

export interface LoomSettings {
  loomPath: string;
  additionalArgs: string[];
  logLevel: "error" | "warn" | "info" | "debug";
  autoStart: boolean;
}

export const DEFAULT_SETTINGS: LoomSettings = {
  loomPath: "loom",
  additionalArgs: [],
  logLevel: "info",
  autoStart: true,
};

const LEVELS = new Set(["error", "warn", "info", "debug"]);

/** Reads settings through a `get(key)` (VS Code's `WorkspaceConfiguration.get`), falling back to defaults. */
export function readSettings(get: (key: string) => unknown): LoomSettings {
  const path = get("loomPath");
  const args = get("additionalArgs");
  const level = get("logLevel");
  const auto = get("autoStart");
  return {
    loomPath: typeof path === "string" && path.trim() ? path.trim() : DEFAULT_SETTINGS.loomPath,
    additionalArgs: Array.isArray(args) ? args.filter((a): a is string => typeof a === "string") : [],
    logLevel: typeof level === "string" && LEVELS.has(level) ? (level as LoomSettings["logLevel"]) : "info",
    autoStart: typeof auto === "boolean" ? auto : true,
  };
}

/**
 * `loom acp-agent` in the workspace folder. A `loomPath` ending in `.ts`/`.js` is run with `bun`
 * (a checkout of Loom). The log level reaches the agent as `LOOM_LOG__LEVEL`.
 */
export function agentCommand(
  s: LoomSettings,
  cwd: string,
  env: Record<string, string | undefined>,
): AgentCommand {
  const script = /\.(ts|js|mjs)$/.test(s.loomPath);
  return {
    command: script ? "bun" : s.loomPath,
    args: [...(script ? [s.loomPath] : []), "acp-agent", ...s.additionalArgs],
    cwd,
    env: { ...env, LOOM_LOG__LEVEL: s.logLevel },
  };
}
