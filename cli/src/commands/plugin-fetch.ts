/**
 * Resolving and downloading a plugin package from an npm registry, through npm's own libraries:
 * npm-registry-fetch (registry protocol, auth, scoped registries), npm-pick-manifest (npm's semver
 * resolution of a range or tag), ssri (the registry's integrity, checked before anything is unpacked).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LoomError } from "@loom/runtime/errors";
import npa from "npm-package-arg";
import pickManifest from "npm-pick-manifest";
import fetch from "npm-registry-fetch";
import { checkData, fromHex } from "ssri";
import { extract } from "tar";
import { type RegistryOptions, registryFailure, registryFor } from "./plugin-registry.ts";

export interface ResolvedPackage {
  package: string;
  version: string;
  tarball: string;
  integrity: string;
  /** The range to keep for `loom plugin update`: as given, or `^version` when none was. */
  spec: string;
}

export interface Packument {
  name: string;
  "dist-tags"?: Record<string, string>;
  versions?: Record<string, unknown>;
}

/** `name`, `name@range`, `name@tag`, `@scope/name@1.2.3`; anything else is not a registry package. */
export function parseRegistrySpec(spec: string): npa.Result {
  let arg: npa.Result;
  try {
    arg = npa(spec);
  } catch (e) {
    throw new LoomError("INVALID_INPUT", `'${spec}': ${(e as Error).message.split("\n")[0]}`);
  }
  if (!arg.registry || !arg.name)
    throw new LoomError(
      "INVALID_INPUT",
      `'${spec}' is not a package name (give name, name@range, a .tgz file or a folder)`,
    );
  return arg;
}

export async function fetchPackument(name: string, opts: RegistryOptions): Promise<Packument> {
  try {
    return (await fetch.json(`/${npa(name).escapedName}`, {
      ...opts,
      spec: name,
    } as fetch.Options)) as unknown as Packument;
  } catch (e) {
    throw registryFailure(e, name, registryFor(name, opts));
  }
}

/** The version of `name` that `range` picks, as npm would. */
export function pickVersion(doc: Packument, range: string, what: string) {
  try {
    return pickManifest(doc, range);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ETARGET" || code === "ENOVERSIONS") {
      const have =
        Object.keys(doc.versions ?? {})
          .slice(-5)
          .join(", ") || "none";
      throw new LoomError("NOT_FOUND", `${what}: no version matches '${range}' (versions: ${have})`);
    }
    throw e;
  }
}

export async function resolvePackage(spec: string, opts: RegistryOptions): Promise<ResolvedPackage> {
  const arg = parseRegistrySpec(spec);
  const name = arg.name as string;
  const wanted = arg.rawSpec === "" || arg.rawSpec === "*" ? "latest" : arg.fetchSpec || "latest";
  const doc = await fetchPackument(name, opts);
  const m = pickVersion(doc, wanted, name);
  const integrity = m.dist.integrity ?? (m.dist.shasum ? fromHex(m.dist.shasum, "sha1").toString() : "");
  if (!integrity)
    throw new LoomError("PLUGIN_INVALID", `${name}@${m.version}: the registry gives no integrity`);
  // Nothing asked for (or `latest`): keep `^version`, as npm saves it.
  const keep = wanted === "latest" ? `^${m.version}` : (arg.rawSpec as string);
  return { package: name, version: m.version, tarball: m.dist.tarball, integrity, spec: keep };
}

/** Throws unless `bytes` match `integrity` (an SRI string: sha512-…, sha1-…). */
export function verifyIntegrity(bytes: Uint8Array, integrity: string, what: string): void {
  if (!checkData(Buffer.from(bytes), integrity))
    throw new LoomError(
      "PLUGIN_INVALID",
      `${what}: the tarball does not match its integrity ${integrity.slice(0, 20)}…; refusing to install`,
    );
}

export async function downloadTarball(r: ResolvedPackage, opts: RegistryOptions): Promise<Buffer> {
  const what = `${r.package}@${r.version}`;
  let bytes: Buffer;
  try {
    const res = await fetch(r.tarball, { ...opts, spec: r.package } as fetch.Options);
    bytes = Buffer.from(await res.arrayBuffer());
  } catch (e) {
    throw registryFailure(e, what, registryFor(r.package, opts));
  }
  verifyIntegrity(bytes, r.integrity, what);
  return bytes;
}

/**
 * Unpacks an npm tarball into `into/package` (node-tar refuses absolute paths and `..`; links are
 * skipped) and returns that folder.
 */
export async function unpackTarball(bytes: Uint8Array, into: string, what: string): Promise<string> {
  const file = join(into, "package.tgz");
  writeFileSync(file, bytes);
  const out = join(into, "package");
  mkdirSync(out, { recursive: true });
  try {
    await extract({
      file,
      cwd: out,
      strip: 1,
      strict: true,
      filter: (_path, entry) => "type" in entry && (entry.type === "File" || entry.type === "Directory"),
    });
  } catch (e) {
    throw new LoomError("PLUGIN_INVALID", `${what}: not a readable .tgz (${(e as Error).message})`);
  }
  return out;
}
