/**
 * Compiles an AssemblyScript plugin with the `asc` that ships with Loom (resolved from Loom's own
 * node_modules, so a plugin folder anywhere on disk builds without installing anything).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { LoomError } from "../errors.ts";
import { resolveFromLoom } from "./loom-install.ts";

export interface AsBuildOptions {
  /** Plugin folder; `entry` and `outFile` are relative to it. */
  dir: string;
  entry?: string;
  outFile: string;
  /** Where the vendored SDK lives, for the abort hook (default assembly/loom; null: no hook). */
  sdkModule?: string | null;
}

/** The node_modules folder that holds assemblyscript and @extism/as-pdk. */
export function loomNodeModules(): string {
  const asc = resolveFromLoom("assemblyscript/package.json", import.meta.dir, "building a plugin");
  return dirname(dirname(asc));
}

/** Fetches a compiler when Loom's own node_modules has none (the single binary); resolves its node_modules. */
export type ToolchainFetcher = () => Promise<string>;
let fetchToolchain: ToolchainFetcher | undefined;

/** The CLI registers how to fetch the compiler (cli/src/commands/plugin-toolchain.ts). */
export function setToolchainFetcher(f: ToolchainFetcher | undefined): void {
  fetchToolchain = f;
}

/** Loom's own compiler when there is one, else the fetched one. */
export async function asToolchain(): Promise<string> {
  try {
    return loomNodeModules();
  } catch (e) {
    if (!fetchToolchain) throw e;
    return await fetchToolchain();
  }
}

export function ascCommand(opts: AsBuildOptions, nm = loomNodeModules()): string[] {
  return [
    process.execPath,
    join(nm, "assemblyscript/bin/asc.js"),
    opts.entry ?? "assembly/index.ts",
    "--outFile",
    opts.outFile,
    ...(opts.sdkModule === null ? [] : ["--use", `abort=${opts.sdkModule ?? "assembly/loom"}/loomAbort`]),
    "--path",
    nm,
    "--optimize",
  ];
}

/** Runs asc; throws PLUGIN_INVALID with the compiler's messages when it fails. */
export async function buildAssemblyScript(opts: AsBuildOptions): Promise<Uint8Array> {
  if (!existsSync(join(opts.dir, opts.entry ?? "assembly/index.ts"))) {
    throw new LoomError("PLUGIN_INVALID", `${opts.dir}: no ${opts.entry ?? "assembly/index.ts"} to build`);
  }
  const p = Bun.spawn(ascCommand(opts, await asToolchain()), {
    cwd: opts.dir,
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, BUN_BE_BUN: "1" },
  });
  const [err, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
  if (code !== 0) {
    throw new LoomError(
      "PLUGIN_INVALID",
      `asc failed in ${opts.dir}:\n${err.trim().split("\n").slice(0, 30).join("\n")}`,
    );
  }
  return new Uint8Array(await Bun.file(join(opts.dir, opts.outFile)).arrayBuffer());
}

export function sha256Hex(bytes: Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
}
