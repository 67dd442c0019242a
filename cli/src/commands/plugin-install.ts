/**
 * `loom plugin install <name[@range] | file.tgz | dir>` and `loom plugin remove <name>`. A package
 * comes from the configured npm registry (plugin-registry.ts) and is checked against the registry's
 * integrity before it is unpacked; every plugin is then validated exactly as the registry would load
 * it (manifest, wasm sha256, imports, exports), its permissions are shown and granted (or the install
 * stops), and it is copied into the plugin folder and recorded in the lockfile.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { LoomError } from "@loom/runtime/errors";
import { type LockEntry, readLock, writeLock } from "@loom/runtime/plugins/lockfile";
import type { PluginManifest, PluginPermissions } from "@loom/runtime/plugins/manifest";
import { fromData } from "ssri";
import { checkPluginDir } from "./plugin-check.ts";
import { downloadTarball, resolvePackage, unpackTarball, verifyIntegrity } from "./plugin-fetch.ts";
import { type RegistryOptions, registryOptions } from "./plugin-registry.ts";

export interface Installed {
  name: string;
  version: string;
  dir: string;
  replaced: boolean;
  entry: LockEntry;
}

/**
 * Decides what to grant a plugin being installed: resolves to the grant, or throws to stop the
 * install. `previous` is what the user granted an earlier version.
 */
export type ApproveInstall = (
  manifest: PluginManifest,
  previous: PluginPermissions | undefined,
) => Promise<PluginPermissions>;

export interface InstallTarget {
  /** Folder holding one folder per plugin. */
  pluginDir: string;
  lockFile: string;
  registry?: RegistryOptions;
  approve: ApproveInstall;
  /**
   * A reinstall from this lockfile keeps its recorded grants without asking (the user's own
   * lockfile; not a workspace's, which comes with the repository).
   */
  keepsLockedGrants?: boolean;
}

/** `./x`, `/x`, `~/x`, `x.tgz`: meant as a path, so a missing one is not looked up on the registry. */
export const looksLikePath = (spec: string): boolean =>
  /^(\.{1,2}(\/|$)|\/|~)/.test(spec) || /\.(tgz|tar\.gz)$/.test(spec);

interface Fetched {
  src: string;
  source: LockEntry["source"];
  package: string;
  spec: string;
  resolved: string;
  integrity?: string;
}

const sri = (bytes: Uint8Array): string =>
  fromData(Buffer.from(bytes), { algorithms: ["sha512"] }).toString();

async function fetchSource(
  spec: string,
  scratch: string,
  target: InstallTarget,
  locked?: LockEntry,
): Promise<Fetched> {
  const local = resolve(spec.replace(/^~(?=\/|$)/, process.env["HOME"] ?? "~"));
  if (existsSync(local)) {
    if (statSync(local).isDirectory())
      return { src: local, source: "dir", package: "", spec: local, resolved: local };
    const bytes = new Uint8Array(await Bun.file(local).arrayBuffer());
    const integrity = sri(bytes);
    if (locked?.integrity) verifyIntegrity(bytes, locked.integrity, local);
    const src = await unpackTarball(bytes, scratch, local);
    return { src, source: "tarball", package: "", spec: local, resolved: local, integrity };
  }
  if (looksLikePath(spec)) throw new LoomError("NOT_FOUND", `no such plugin folder or file: ${spec}`);
  const opts = target.registry ?? registryOptions();
  const r = await resolvePackage(spec, opts);
  if (locked?.integrity && r.integrity !== locked.integrity)
    throw new LoomError(
      "PLUGIN_INVALID",
      `${r.package}@${r.version}: the registry's integrity ${r.integrity.slice(0, 20)}… differs from the lockfile's ${locked.integrity.slice(0, 20)}…; refusing to install`,
    );
  process.stderr.write(`fetching ${r.package}@${r.version} from ${opts.registry}\n`);
  const bytes = await downloadTarball(r, opts);
  const src = await unpackTarball(bytes, scratch, `${r.package}@${r.version}`);
  return {
    src,
    source: "registry",
    package: r.package,
    spec: r.spec,
    resolved: r.tarball,
    integrity: r.integrity,
  };
}

function copyInto(
  src: string,
  manifest: PluginManifest,
  pluginDir: string,
): { dir: string; replaced: boolean } {
  const dest = join(pluginDir, manifest.name);
  const staging = `${dest}.installing-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(join(staging, manifest.entry)), { recursive: true });
  for (const f of ["loom-plugin.json", manifest.entry, "package.json", "README.md"])
    if (existsSync(join(src, f))) cpSync(join(src, f), join(staging, f));
  const replaced = existsSync(dest);
  rmSync(dest, { recursive: true, force: true });
  renameSync(staging, dest);
  return { dir: dest, replaced };
}

/**
 * Installs one plugin. With `locked` (a lockfile entry) the spec is that exact version and the
 * download must match the locked integrity and sha256.
 */
export async function installPlugin(
  spec: string,
  target: InstallTarget,
  how: { locked?: LockEntry; keepSpec?: string } = {},
): Promise<Installed> {
  const { locked } = how;
  const scratch = mkdtempSync(join(tmpdir(), "loom-install-"));
  try {
    const got = await fetchSource(spec, scratch, target, locked);
    const { manifest, wasm } = await checkPluginDir(got.src);
    const sha256 = new Bun.CryptoHasher("sha256").update(wasm).digest("hex");
    if (locked && (locked.sha256 !== sha256 || locked.version !== manifest.version))
      throw new LoomError(
        "PLUGIN_INVALID",
        `${manifest.name}: ${manifest.version} (wasm sha256 ${sha256.slice(0, 12)}…) is not the locked ${locked.version} (${locked.sha256.slice(0, 12)}…); refusing to install`,
      );
    const lock = readLock(target.lockFile);
    const previous = locked?.granted ?? lock.plugins[manifest.name]?.granted;
    const granted =
      locked && target.keepsLockedGrants ? locked.granted : await target.approve(manifest, previous);
    const { dir, replaced } = copyInto(got.src, manifest, target.pluginDir);
    const entry: LockEntry = {
      package: got.package || (await packageNameOf(got.src)) || manifest.name,
      spec: locked?.spec ?? how.keepSpec ?? got.spec,
      version: manifest.version,
      source: got.source,
      resolved: got.resolved,
      ...(got.integrity ? { integrity: got.integrity } : {}),
      sha256,
      granted,
    };
    lock.plugins[manifest.name] = entry;
    writeLock(target.lockFile, lock);
    return { name: manifest.name, version: manifest.version, dir, replaced, entry };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function packageNameOf(dir: string): Promise<string | undefined> {
  try {
    const pkg = (await Bun.file(join(dir, "package.json")).json()) as { name?: unknown };
    return typeof pkg.name === "string" ? pkg.name : undefined;
  } catch {
    return undefined;
  }
}

/** Reinstalls every lockfile entry at its exact version (`loom plugin install` with no argument). */
export async function installFromLock(target: InstallTarget): Promise<Installed[]> {
  const lock = readLock(target.lockFile);
  const out: Installed[] = [];
  for (const entry of Object.values(lock.plugins)) {
    const spec = entry.source === "registry" ? `${entry.package}@${entry.version}` : entry.resolved;
    out.push(await installPlugin(spec, target, { locked: entry }));
  }
  return out;
}

export function removePlugin(name: string, pluginDir: string, lockFile: string): string {
  const dest = join(pluginDir, name);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name) || !existsSync(join(dest, "loom-plugin.json"))) {
    throw new LoomError("NOT_FOUND", `no plugin '${name}' installed in ${pluginDir}`);
  }
  rmSync(dest, { recursive: true, force: true });
  const lock = readLock(lockFile);
  if (lock.plugins[name]) {
    delete lock.plugins[name];
    writeLock(lockFile, lock);
  }
  return dest;
}
