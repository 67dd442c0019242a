/**
 * XDG base directories for Loom. Pure functions of an environment object, so tests pass their own.
 * A relative or empty XDG variable is ignored, as the XDG Base Directory spec requires.
 * @example
 * configDir({ HOME: "/home/ada" }); // "/home/ada/.config/loom"
 * stateDir({ XDG_STATE_HOME: "/tmp/s" }); // "/tmp/s/loom"
 */
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

export type Env = Record<string, string | undefined>;

const APP = "loom";

/** Where `/etc/loom/config.toml` lives; `loadConfig` takes another path in tests. */
export const SYSTEM_CONFIG_FILE = "/etc/loom/config.toml";

function home(env: Env): string {
  const h = env.HOME;
  return h !== undefined && h !== "" ? h : homedir();
}

function base(env: Env, variable: string, fallback: string[]): string {
  const value = env[variable];
  if (value !== undefined && value !== "" && isAbsolute(value)) return join(value, APP);
  return join(home(env), ...fallback, APP);
}

/** `$XDG_CONFIG_HOME/loom` or `~/.config/loom`. */
export function configDir(env: Env = process.env): string {
  return base(env, "XDG_CONFIG_HOME", [".config"]);
}

/** `$XDG_DATA_HOME/loom` or `~/.local/share/loom` (threads live here). */
export function dataDir(env: Env = process.env): string {
  return base(env, "XDG_DATA_HOME", [".local", "share"]);
}

/** `$XDG_STATE_HOME/loom` or `~/.local/state/loom` (logs, sync queue). */
export function stateDir(env: Env = process.env): string {
  return base(env, "XDG_STATE_HOME", [".local", "state"]);
}

/** `$XDG_CACHE_HOME/loom` or `~/.cache/loom`. */
export function cacheDir(env: Env = process.env): string {
  return base(env, "XDG_CACHE_HOME", [".cache"]);
}

/** The user's config file: `<configDir>/config.toml`. */
export function userConfigFile(env: Env = process.env): string {
  return join(configDir(env), "config.toml");
}

/** The workspace's config file: `<workspace>/.loom/config.toml`. */
export function workspaceConfigFile(workspace: string): string {
  return join(workspace, ".loom", "config.toml");
}

/** The default log file: `<stateDir>/logs/loom.log`. */
export function logFile(env: Env = process.env): string {
  return join(stateDir(env), "logs", "loom.log");
}
