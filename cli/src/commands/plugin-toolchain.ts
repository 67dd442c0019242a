/**
 * The AssemblyScript compiler for the single `loom` binary, which does not carry it (binaryen alone
 * is 13 MB of JavaScript): on the first `loom plugin build` it is fetched from the configured npm
 * registry — the pinned versions below and their dependencies, each tarball checked against the
 * registry's integrity — into `$XDG_CACHE_HOME/loom/toolchain/assemblyscript-<version>/node_modules`,
 * and run by the binary itself (`BUN_BE_BUN=1`). A Loom checkout or npm install uses its own.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LoomError } from "@loom/runtime/errors";
import { cacheDir } from "@loom/runtime/paths";
import { downloadTarball, resolvePackage, unpackTarball } from "./plugin-fetch.ts";
import type { RegistryOptions } from "./plugin-registry.ts";

/** What Loom's own node_modules has (a test keeps these equal to the installed versions). */
export const AS_TOOLCHAIN: Record<string, string> = {
  assemblyscript: "0.28.20",
  "@extism/as-pdk": "1.0.0",
};

/** A bound on the dependency walk (the toolchain is four packages). */
const MAX_PACKAGES = 16;

export function toolchainDir(cache = cacheDir()): string {
  return join(cache, "toolchain", `assemblyscript-${AS_TOOLCHAIN["assemblyscript"]}`);
}

/**
 * Returns the toolchain's node_modules, fetching it first when the cache has none. The folder is
 * filled beside the cache and renamed into place, so an interrupted fetch leaves nothing half-made.
 */
export async function fetchAsToolchain(
  opts: RegistryOptions,
  dir = toolchainDir(),
  log: (line: string) => void = (l) => process.stderr.write(l),
): Promise<string> {
  const nm = join(dir, "node_modules");
  if (existsSync(join(dir, "complete"))) return nm;
  log(`loom: fetching the AssemblyScript compiler from ${opts.registry} (once, into ${dir})\n`);
  const staging = `${dir}.fetching-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, "node_modules"), { recursive: true });
  try {
    const queue = Object.entries(AS_TOOLCHAIN);
    const done = new Set<string>();
    while (queue.length > 0) {
      const [name, range] = queue.shift() as [string, string];
      if (done.has(name)) continue;
      if (done.size >= MAX_PACKAGES)
        throw new LoomError("PLUGIN_FAILED", `the compiler needs more than ${MAX_PACKAGES} packages`);
      done.add(name);
      const r = await resolvePackage(`${name}@${range}`, opts);
      const scratch = join(staging, `.unpack-${done.size}`);
      mkdirSync(scratch);
      const unpacked = await unpackTarball(await downloadTarball(r, opts), scratch, `${name}@${r.version}`);
      const dest = join(staging, "node_modules", name);
      mkdirSync(dirname(dest), { recursive: true });
      renameSync(unpacked, dest);
      rmSync(scratch, { recursive: true, force: true });
      const pkg = JSON.parse(readFileSync(join(dest, "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
      };
      queue.push(...Object.entries(pkg.dependencies ?? {}));
    }
    writeFileSync(join(staging, "complete"), `${[...done].join("\n")}\n`);
    mkdirSync(dirname(dir), { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (e instanceof LoomError)
      throw new LoomError(e.code, `fetching the AssemblyScript compiler: ${e.message}`, e.details);
    throw e;
  }
  return nm;
}

/** Lets `loom plugin build` fetch the compiler when this Loom carries none. */
export async function registerToolchainFetcher(): Promise<void> {
  const { setToolchainFetcher } = await import("@loom/runtime/plugins/as-build");
  setToolchainFetcher(async () => {
    const { loadConfig } = await import("@loom/runtime/config");
    const { registryOptions } = await import("./plugin-registry.ts");
    const { config } = loadConfig({ workspace: process.cwd() });
    return fetchAsToolchain(registryOptions({ config: config.plugins.registry, cwd: process.cwd() }));
  });
}
