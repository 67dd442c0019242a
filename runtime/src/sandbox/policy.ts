/**
 * The sandbox policy of a session, from `[sandbox]` and the permission mode. Pure: the
 * environment (HOME, XDG dirs) is a parameter.
 * @example
 * sandboxPolicy({ network: [], hidden: [], writable: [] }, "auto", { HOME: "/home/ada" }).mode; // "workspace-write"
 */
import { isAbsolute, join, resolve } from "node:path";
import { LoomError } from "../errors.ts";
import { cacheDir, configDir, type Env } from "../paths.ts";
import { parseHostRules } from "./host-rules.ts";
import type { SandboxMode, SandboxNetwork, SandboxPolicy } from "./types.ts";

export const SANDBOX_MODES: readonly SandboxMode[] = ["read-only", "workspace-write", "danger-full-access"];

/** Credential stores hidden in every sandbox, relative to HOME (loom's own config dir is added too). */
export const HIDDEN_IN_HOME = [
  ".ssh",
  ".aws",
  ".config/gcloud",
  ".docker/config.json",
  ".netrc",
  ".gnupg",
  ".kube/config",
];

/** Caches tools write while building or testing (only those that exist are made writable). */
export const WRITABLE_IN_HOME = [".cache", ".bun/install/cache", ".npm"];

export interface SandboxSettings {
  mode?: SandboxMode;
  network: string[];
  hidden: string[];
  writable: string[];
}

export function parseSandboxMode(value: string): SandboxMode | undefined {
  return (SANDBOX_MODES as readonly string[]).includes(value) ? (value as SandboxMode) : undefined;
}

/** The mode a permission mode implies when `[sandbox] mode` is not set: never danger-full-access. */
export function defaultSandboxMode(permissionMode: string): SandboxMode {
  return permissionMode === "read-only" ? "read-only" : "workspace-write";
}

export function sandboxPolicy(settings: SandboxSettings, permissionMode: string, env: Env): SandboxPolicy {
  const home = env.HOME && isAbsolute(env.HOME) ? env.HOME : undefined;
  const expand = (p: string): string => {
    if (p === "~" || p.startsWith("~/")) {
      if (!home) throw new LoomError("CONFIG_INVALID", `[sandbox]: '${p}' needs HOME to be set`);
      return p === "~" ? home : join(home, p.slice(2));
    }
    if (!isAbsolute(p))
      throw new LoomError("CONFIG_INVALID", `[sandbox]: '${p}' must be an absolute path or start with ~/`);
    return resolve(p);
  };
  const hidden = [
    ...(home ? HIDDEN_IN_HOME.map((p) => join(home, p)) : []),
    configDir(env),
    // Inside a writable ~/.cache: what Loom caches there must not be rewritten from a sandbox.
    cacheDir(env),
    ...settings.hidden.map(expand),
  ];
  const writable = [
    ...(home ? WRITABLE_IN_HOME.map((p) => join(home, p)) : []),
    ...settings.writable.map(expand),
  ];
  const network = sandboxNetwork(settings.network);
  return {
    mode: settings.mode ?? defaultSandboxMode(permissionMode),
    network,
    ...(network === "hosts" ? { hosts: sandboxHosts(settings.network) } : {}),
    hidden: [...new Set(hidden)],
    writable: [...new Set(writable)],
  };
}

/**
 * `[]` or `["loopback"]`: the sandbox's own loopback only (a server the command starts itself is
 * reachable; the host's are not). `["*"]`: the host's network, unfiltered. Host entries
 * (`registry.npmjs.org`, `*.github.com`, `localhost:8080`): those hosts only, through the filtering
 * proxy. `"*"` wins over hosts. A malformed entry is CONFIG_INVALID.
 */
export function sandboxNetwork(entries: readonly string[]): SandboxNetwork {
  const hosts = sandboxHosts(entries);
  if (entries.includes("*")) return "host";
  return hosts.length ? "hosts" : "none";
}

/** The host entries of `[sandbox] network`, validated and without "loopback"/"*". */
export function sandboxHosts(entries: readonly string[]): string[] {
  const hosts = entries.filter((e) => e !== "loopback" && e !== "*");
  parseHostRules(hosts);
  return [...new Set(hosts.map((h) => h.trim().toLowerCase()))];
}
