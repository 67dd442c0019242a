/**
 * Builds an AssemblyScript plugin folder: compiles assembly/index.ts to the manifest's entry and
 * writes the wasm's sha256 into loom-plugin.json. Used by `loom plugin build` and the first-party
 * build scripts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { LoomError } from "../errors.ts";
import { buildAssemblyScript, sha256Hex } from "./as-build.ts";
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
  await readManifest(file);
  const text = await Bun.file(file).text();
  const raw = JSON.parse(text) as Record<string, unknown>;
  if (raw["runtime"] !== "wasm") {
    throw new LoomError(
      "PLUGIN_INVALID",
      `${file}: only wasm plugins are built (runtime is ${String(raw["runtime"])})`,
    );
  }
  const wasm = await buildAssemblyScript({
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

/** sha256 over the AssemblyScript sources of a plugin (names and contents), to tell a stale build. */
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
