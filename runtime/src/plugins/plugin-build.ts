/**
 * Builds a plugin folder and writes the wasm's sha256 into loom-plugin.json. A manifest with a
 * `build` command (any language: C with clang, Rust, Go…) runs it with `sh -c` in the folder and
 * takes the manifest's entry as its product; without one, assembly/index.ts is compiled with
 * Loom's AssemblyScript compiler. Used by `loom plugin build` and the first-party build scripts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { LoomError } from "../errors.ts";
import { buildAssemblyScript, sha256Hex } from "./as-build.ts";
import { withCSdkInclude } from "./c-sdk.ts";
import { type PluginManifest, readManifest } from "./manifest.ts";

export const MANIFEST_FILE = "loom-plugin.json";

export interface BuiltPlugin {
  manifest: PluginManifest;
  wasm: Uint8Array;
  sha256: string;
}

export async function buildPlugin(
  dir: string,
  entry = "assembly/index.ts",
  sdkModule?: string,
): Promise<BuiltPlugin> {
  const file = join(dir, MANIFEST_FILE);
  // Checks the file the way loading does (one line naming it), then edits its text in place.
  const manifest = await readManifest(file);
  const text = await Bun.file(file).text();
  const raw = JSON.parse(text) as Record<string, unknown>;
  if (raw["runtime"] !== "wasm") {
    throw new LoomError(
      "PLUGIN_INVALID",
      `${file}: only wasm plugins are built (runtime is ${String(raw["runtime"])})`,
    );
  }
  const wasm =
    manifest.build !== undefined
      ? await runBuildCommand(dir, manifest.build, manifest.entry)
      : await buildAssemblyScript({
          dir,
          entry,
          outFile: String(raw["entry"]),
          ...(sdkModule ? { sdkModule } : {}),
        });
  const sha256 = sha256Hex(wasm);
  raw["sha256"] = sha256;
  // Replace the value in place when there is one, so the author's formatting survives.
  const field = /"sha256"\s*:\s*"[^"]*"/;
  await Bun.write(
    file,
    field.test(text) ? text.replace(field, `"sha256": "${sha256}"`) : `${JSON.stringify(raw, null, 2)}\n`,
  );
  return { manifest: await readManifest(file), wasm, sha256 };
}

/**
 * Runs a manifest's `build` command (`sh -c`, in the plugin folder) and reads the entry it made.
 * The command sees LOOM_PLUGIN_DIR (the folder) and LOOM_C_SDK (a folder holding loom.h).
 */
export async function runBuildCommand(dir: string, command: string, entry: string): Promise<Uint8Array> {
  const [out, err, code] = await withCSdkInclude((sdk) => {
    const p = Bun.spawn(["sh", "-c", command], {
      cwd: dir,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, LOOM_PLUGIN_DIR: dir, LOOM_C_SDK: sdk },
    });
    return Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  });
  if (code !== 0) {
    const said = `${err}${out}`.trim().split("\n").slice(0, 30).join("\n");
    const hint = code === 127 ? " (a program it runs is not installed; for C: Debian's clang and lld)" : "";
    throw new LoomError(
      "PLUGIN_INVALID",
      `build command failed in ${dir} (exit ${code})${hint}${said ? `:\n${said}` : ""}`,
    );
  }
  const file = Bun.file(join(dir, entry));
  if (!(await file.exists())) {
    throw new LoomError(
      "PLUGIN_INVALID",
      `build command finished but made no ${entry} (the manifest's entry) in ${dir}`,
    );
  }
  return new Uint8Array(await file.arrayBuffer());
}

/** The AssemblyScript SDK that first-party plugins import (scaffolded plugins get a copy). */
export const SHARED_AS_SDK = join(import.meta.dir, "as-sdk/loom.as.ts");

/** Hash of a plugin's AssemblyScript sources (and any shared files it imports), for staleness tests. */
export function sourcesHash(dir: string, sub = "assembly", shared: string[] = []): string {
  const h = new Bun.CryptoHasher("sha256");
  for (const name of readdirSync(join(dir, sub)).sort()) {
    if (!name.endsWith(".ts")) continue;
    h.update(`${name}\n`);
    h.update(readFileSync(join(dir, sub, name)));
  }
  for (const file of shared) {
    h.update(`${basename(file)}\n`);
    h.update(readFileSync(file));
  }
  return h.digest("hex");
}
