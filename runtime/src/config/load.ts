/**
 * Loads Loom's layered config. Layers, highest first: CLI flags, environment, workspace
 * `.loom/config.toml`, user `$XDG_CONFIG_HOME/loom/config.toml`, system `/etc/loom/config.toml`,
 * built-in defaults. Tables deep-merge, arrays replace; one schema validates the result.
 * @example
 * const { config, sources } = loadConfig({ workspace: process.cwd(), flags: { agent: { model } } });
 * config.agent.max_retries; // 3 unless a layer says otherwise
 * sources.keys["agent.model"]; // { kind: "flag", name: "--agent.model" }
 */
import { LoomError } from "../errors.ts";
import { type Env, SYSTEM_CONFIG_FILE, userConfigFile, workspaceConfigFile } from "../paths.ts";
import { sandboxNetwork } from "../sandbox/policy.ts";
import { envLayer } from "./env.ts";
import { isTable, type Layer, mergeLayers, type Table, uniformLayer } from "./merge.ts";
import type { ConfigOverrides, LoomConfig } from "./schema.ts";
import { defaultsOf } from "./schema-walk.ts";
import { wrapSecrets } from "./secrets.ts";
import { type ConfigSource, describeSource, keyPath } from "./source.ts";
import { readTomlFile } from "./toml-file.ts";
import { CONFIG_SCHEMA, validateConfig } from "./validate.ts";

export { redactConfig } from "./secrets.ts";
export { type ConfigSource, describeSource } from "./source.ts";

export interface LoadConfigOptions {
  /** Workspace root holding `.loom/config.toml`. Default `cwd`, then process.cwd(). */
  workspace?: string;
  cwd?: string;
  /** Default process.env. Also decides the user config path through XDG_CONFIG_HOME/HOME. */
  env?: Env;
  /** Overrides from the command line, shaped like the config: `{ agent: { model: "x" } }`. */
  flags?: ConfigOverrides;
  /** How to name a flag in errors, by key path: `{ "agent.model": "--model" }`. Default `--<key path>`. */
  flagNames?: Record<string, string>;
  /** System file. Default `/etc/loom/config.toml`; `null` skips the layer. */
  systemPath?: string | null;
  /** User file. Default `<configDir(env)>/config.toml`. */
  userPath?: string;
}

export type LayerName = "flags" | "env" | "workspace" | "user" | "system" | "default";

export interface ConfigSources {
  /** Every layer consulted, highest precedence first; `found` is false for a missing file. */
  layers: Array<{ name: LayerName; path?: string; found: boolean }>;
  /** Key path of each value in the config (`agent.model`) → the layer it came from. */
  keys: Record<string, ConfigSource>;
}

export interface LoadedConfig {
  config: LoomConfig;
  sources: ConfigSources;
}

/** The built-in defaults, as a fresh object. */
export function defaultConfig(): Table {
  return defaultsOf(CONFIG_SCHEMA) as Table;
}

/**
 * Reads, merges and validates every layer. Throws LoomError CONFIG_PARSE (TOML syntax, naming
 * the file and line) or CONFIG_INVALID (naming the file, env variable or flag, the key, and
 * what was expected).
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const workspace = options.workspace ?? options.cwd ?? process.cwd();
  const found: ConfigSources["layers"] = [];
  const layers: Layer[] = [uniformLayer(defaultConfig(), { kind: "default" })];
  found.push({ name: "default", found: true });

  const files = [
    { name: "system", path: options.systemPath === undefined ? SYSTEM_CONFIG_FILE : options.systemPath },
    { name: "user", path: options.userPath ?? userConfigFile(env) },
    { name: "workspace", path: workspaceConfigFile(workspace) },
  ] as const;
  for (const { name, path } of files) {
    if (path === null) continue;
    const values = readTomlFile(path, name === "workspace" ? workspace : undefined);
    found.unshift({ name, path, found: values !== undefined });
    if (values && name === "workspace") rejectUntrustedKeys(values, path);
    if (values) layers.push(uniformLayer(values, { kind: "file", layer: name, path }));
  }

  const fromEnv = envLayer(env, CONFIG_SCHEMA);
  layers.push(fromEnv);
  found.unshift({ name: "env", found: Object.keys(fromEnv.values).length > 0 });

  const flags = (options.flags ?? {}) as Table;
  const flagNames = options.flagNames ?? {};
  layers.push({
    values: flags,
    sourceOf: (segments) => ({
      kind: "flag",
      name: flagNames[keyPath(segments)] ?? `--${keyPath(segments)}`,
    }),
  });
  found.unshift({ name: "flags", found: Object.keys(flags).length > 0 });

  const merged = mergeLayers(layers);
  const config = wrapSecrets(validateConfig(merged.values, merged.origins));
  const keys = leafOrigins(merged.values, merged.origins);
  checkSandboxNetwork(config.sandbox.network, keys["sandbox.network"]);
  return { config, sources: { layers: found, keys } };
}

/**
 * A workspace's `.loom/config.toml` comes with the repository, so it may not grant plugin permissions,
 * redirect provider traffic (and with it the user's key), point at another team server or loosen
 * the sandbox.
 */
function rejectUntrustedKeys(values: Table, path: string): void {
  const bad: string[] = [];
  const plugins = values.plugins;
  if (isTable(plugins) && "grants" in plugins) bad.push("plugins.grants");
  if (isTable(plugins) && "trusted" in plugins) bad.push("plugins.trusted");
  const providers = values.providers;
  if (isTable(providers)) {
    for (const [name, table] of Object.entries(providers)) {
      if (!isTable(table)) continue;
      for (const key of ["api_key", "base_url", "access_token"])
        if (key in table) bad.push(`providers.${name}.${key}`);
    }
  }
  const server = values.server;
  if (isTable(server) && "url" in server) bad.push("server.url");
  if (isTable(server) && "database_url" in server) bad.push("server.database_url");
  // The server's sign-in (mail relay, OAuth client secrets) belongs to its operator.
  if ("auth" in values) bad.push("auth");
  // An MCP server is a command Loom starts (or a URL it sends headers to): the user's choice, not a repository's.
  if ("mcp" in values) bad.push("mcp");
  // Hooks are commands Loom runs, unsandboxed, on every tool call: the user's choice too.
  if ("hooks" in values) bad.push("hooks");
  // Weavers are the server operator's: limits, webhooks and their secrets, the local sandbox switch.
  if ("weavers" in values) bad.push("weavers");
  // A repository may hide more from its commands, never open the sandbox up.
  const sandbox = values.sandbox;
  if (isTable(sandbox))
    for (const key of ["mode", "network", "writable"]) if (key in sandbox) bad.push(`sandbox.${key}`);
  if (bad.length > 0) {
    throw new LoomError(
      "CONFIG_INVALID",
      `${path}: ${bad[0]}: not allowed in a workspace config (a repository must not grant permissions or redirect credentials); set it in ${"$"}XDG_CONFIG_HOME/loom/config.toml or the environment`,
      { file: path, keys: bad },
    );
  }
}

/** `[sandbox] network` entries the schema cannot check (host allow-list syntax): one line naming the source. */
function checkSandboxNetwork(entries: readonly string[], source: ConfigSource | undefined): void {
  try {
    sandboxNetwork(entries);
  } catch (e) {
    if (!(e instanceof LoomError) || !source) throw e;
    throw new LoomError(
      "CONFIG_INVALID",
      `${describeSource(source)}: ${e.message.replace("[sandbox] network", "sandbox.network")}`,
    );
  }
}

function leafOrigins(
  values: Table,
  origins: ReadonlyMap<string, ConfigSource>,
): Record<string, ConfigSource> {
  const keys: Record<string, ConfigSource> = {};
  const walk = (table: Table, path: string[]) => {
    for (const [key, value] of Object.entries(table)) {
      const segments = [...path, key];
      if (isTable(value)) walk(value, segments);
      else keys[keyPath(segments)] = origins.get(keyPath(segments)) ?? { kind: "default" };
    }
  };
  walk(values, []);
  return keys;
}
