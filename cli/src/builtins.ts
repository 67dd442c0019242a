/**
 * The built-in plugins. Manifests are imported statically (small JSON); the plugin code loads
 * lazily through literal dynamic imports, and edit.wasm through a file import, so
 * `bun build --compile` bundles all of them into the single binary.
 */

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import bashManifest from "@loom/plugin-bash/loom-plugin.json";
// @ts-expect-error TypeScript has no declaration for a .wasm file import; Bun resolves it to a path string
import editWasm from "@loom/plugin-edit/edit.wasm" with { type: "file" };
import editManifest from "@loom/plugin-edit/loom-plugin.json";
import fsManifest from "@loom/plugin-fs/loom-plugin.json";
import oracleManifest from "@loom/plugin-oracle/loom-plugin.json";
import webManifest from "@loom/plugin-web/loom-plugin.json";
import type { LoomConfig } from "@loom/runtime/config/schema";
import { lockedGrants } from "@loom/runtime/plugins/lockfile";
import type { AskConsent } from "@loom/runtime/plugins/permissions";
import { createToolRegistry, type ToolRegistry } from "@loom/runtime/plugins/registry";
import type { BuiltinPlugin } from "@loom/runtime/plugins/sources";
import type { Tool } from "@loom/runtime/tool";
import { stderrStream } from "./std-out.ts";

/** The folder of a built-in's package when running from sources (in the compiled binary it is not on disk). */
const folderOf = (pkg: string) => (): string | undefined => {
  try {
    const url = import.meta.resolve(`${pkg}/loom-plugin.json`);
    return url.startsWith("file:") ? dirname(fileURLToPath(url)) : undefined;
  } catch {
    return undefined;
  }
};

export const builtins: BuiltinPlugin[] = [
  { manifest: fsManifest, load: () => import("@loom/plugin-fs"), dir: folderOf("@loom/plugin-fs") },
  {
    manifest: editManifest,
    load: async () => new Uint8Array(await Bun.file(editWasm).arrayBuffer()),
    dir: folderOf("@loom/plugin-edit"),
  },
  { manifest: bashManifest, load: () => import("@loom/plugin-bash"), dir: folderOf("@loom/plugin-bash") },
  {
    manifest: oracleManifest,
    load: () => import("@loom/plugin-oracle"),
    dir: folderOf("@loom/plugin-oracle"),
  },
  { manifest: webManifest, load: () => import("@loom/plugin-web"), dir: folderOf("@loom/plugin-web") },
];

export interface OpenRegistryOptions {
  config: Pick<LoomConfig, "plugins" | "tools">;
  workspace: string;
  /** Interactive first-use consent; omit in headless modes (ungranted = denied). */
  consent?: AskConsent;
  /** Where a plugin's `log` lines go (default: dropped). */
  onLog?: (plugin: string, message: string) => void;
  /** Where warnings go (default: `loom: plugin warning: …` on stderr); the REPL prints them above its prompt. */
  onWarning?: (warning: string) => void;
}

/** The registry of built-in and installed plugins for a workspace; warnings go to `onWarning` or stderr. */
export async function openToolRegistry(opts: OpenRegistryOptions): Promise<ToolRegistry> {
  const registry = await createToolRegistry({
    workspaceRoot: opts.workspace,
    config: opts.config,
    builtins,
    installedGrants: lockedGrants(),
    ...(opts.consent ? { consent: opts.consent } : {}),
    ...(opts.onLog ? { onLog: opts.onLog } : {}),
  });
  const warn = opts.onWarning ?? ((w: string) => stderrStream().write(`loom: plugin warning: ${w}\n`));
  for (const w of registry.warnings) warn(w);
  return registry;
}

/** Every tool a session offers. */
export async function loadBuiltinTools(opts: OpenRegistryOptions): Promise<Tool[]> {
  return (await openToolRegistry(opts)).tools;
}
