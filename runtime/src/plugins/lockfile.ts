/**
 * `plugins.lock`: what `loom plugin install` put in a plugin folder — the package, the exact
 * version, the registry's integrity and the wasm's sha256 — and, in the user's lockfile, the
 * permissions the user granted at install. `$XDG_DATA_HOME/loom/plugins.lock` for user plugins,
 * `<workspace>/.loom/plugins.lock` for a workspace's (grants there are not honoured: the file comes
 * with the repository).
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { LoomError } from "../errors.ts";
import { readOwnFile } from "../own-file.ts";
import { dataDir, type Env } from "../paths.ts";
import { writeFileAtomic } from "../threads/atomic-write.ts";
import { PluginPermissions } from "./manifest.ts";

export const LockEntry = Type.Object(
  {
    /** npm package name (may differ from the plugin name). */
    package: Type.String({ minLength: 1 }),
    /** What was asked for (`^1.2.0`, `latest`, a path); `loom plugin update` stays within it. */
    spec: Type.String(),
    version: Type.String({ minLength: 1 }),
    /** `registry` (by name), `tarball` or `dir` (a local path in `resolved`). */
    source: Type.Union([Type.Literal("registry"), Type.Literal("tarball"), Type.Literal("dir")]),
    /** Tarball URL or local path. */
    resolved: Type.String(),
    /** SRI of the package tarball (absent for a folder install). */
    integrity: Type.Optional(Type.String()),
    /** sha256 of the wasm entry. */
    sha256: Type.String({ pattern: "^[0-9a-f]{64}$" }),
    /** What the user granted when installing (honoured from the user's lockfile only). */
    granted: PluginPermissions,
  },
  { additionalProperties: false },
);
export type LockEntry = Static<typeof LockEntry>;

export const PluginLock = Type.Object(
  {
    lockfileVersion: Type.Literal(1),
    /** Keyed by plugin name. */
    plugins: Type.Record(Type.String(), LockEntry),
  },
  { additionalProperties: false },
);
export type PluginLock = Static<typeof PluginLock>;

export const userLockFile = (env: Env = process.env): string => join(dataDir(env), "plugins.lock");
export const workspaceLockFile = (root: string): string => join(root, ".loom", "plugins.lock");

const EMPTY = (): PluginLock => ({ lockfileVersion: 1, plugins: {} });

/** Reads a lockfile; a missing one is empty, a broken one is PLUGIN_INVALID naming the field. */
export function readLock(file: string): PluginLock {
  let text: string;
  try {
    const f = readOwnFile(file, { maxBytes: 4 * 1024 * 1024 });
    if (f === undefined) return EMPTY();
    text = f.bytes.toString("utf8");
  } catch (e) {
    throw new LoomError("PLUGIN_INVALID", `${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new LoomError("PLUGIN_INVALID", `${file}: not valid JSON`);
  }
  const first = Value.Errors(PluginLock, json).First();
  if (first) throw new LoomError("PLUGIN_INVALID", `${file}: ${first.path || "/"}: ${first.message}`);
  return json as PluginLock;
}

export function writeLock(file: string, lock: PluginLock): void {
  if (!existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true });
  const sorted: PluginLock = {
    lockfileVersion: 1,
    plugins: Object.fromEntries(Object.entries(lock.plugins).sort(([a], [b]) => a.localeCompare(b))),
  };
  writeFileAtomic(file, `${JSON.stringify(sorted, null, 2)}\n`);
}

/** Grants recorded in the user's lockfile, keyed by plugin name (for the registry's user plugins). */
export function lockedGrants(file = userLockFile()): Record<string, PluginPermissions> {
  try {
    return Object.fromEntries(Object.entries(readLock(file).plugins).map(([n, e]) => [n, e.granted]));
  } catch {
    return {};
  }
}
