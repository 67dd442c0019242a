/**
 * `loom plugin pack [dir]`: a plugin is an npm package with `loom-plugin.json` at its root and the
 * keyword `loom-plugin`. Packing checks the package.json against the manifest and the plugin as
 * install would (manifest, sha256, module), then writes an npm tarball (`package/…`, fixed mtime,
 * so the same files give the same bytes) holding only what install uses.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LoomError } from "@loom/runtime/errors";
import type { PluginManifest } from "@loom/runtime/plugins/manifest";
import { fromData } from "ssri";
import { create } from "tar";
import { checkPluginDir } from "./plugin-check.ts";

export const PLUGIN_KEYWORD = "loom-plugin";

export interface PackageJson {
  name: string;
  version: string;
  keywords?: string[];
  [key: string]: unknown;
}

export interface Packed {
  pkg: PackageJson;
  manifest: PluginManifest;
  tarball: Buffer;
  /** sha512 SRI of the tarball, as the registry will report it. */
  integrity: string;
  /** `<name>-<version>.tgz` (`@scope/x` → `scope-x-…`). */
  filename: string;
  files: string[];
}

/** npm's fixed mtime for packed files (1985-10-26T08:15:00Z). */
const NPM_MTIME = new Date("1985-10-26T08:15:00.000Z");

export function readPackageJson(dir: string): PackageJson {
  const file = join(dir, "package.json");
  if (!existsSync(file))
    throw new LoomError(
      "PLUGIN_INVALID",
      `${dir}: no package.json (a plugin is published as an npm package; loom plugin new writes one)`,
    );
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw new LoomError("PLUGIN_INVALID", `${file}: not valid JSON`);
  }
  const p = pkg as Partial<PackageJson>;
  if (typeof p.name !== "string" || p.name === "")
    throw new LoomError("PLUGIN_INVALID", `${file}: field 'name' is required`);
  if (typeof p.version !== "string" || p.version === "")
    throw new LoomError("PLUGIN_INVALID", `${file}: field 'version' is required`);
  return p as PackageJson;
}

function checkPackage(pkg: PackageJson, manifest: PluginManifest, dir: string): void {
  const file = join(dir, "package.json");
  if (!Array.isArray(pkg.keywords) || !pkg.keywords.includes(PLUGIN_KEYWORD))
    throw new LoomError(
      "PLUGIN_INVALID",
      `${file}: add "${PLUGIN_KEYWORD}" to 'keywords' (that is how plugins are found on the registry)`,
    );
  if (pkg.version !== manifest.version)
    throw new LoomError(
      "PLUGIN_INVALID",
      `${file}: version ${pkg.version} differs from loom-plugin.json's ${manifest.version}; make them the same`,
    );
  if (pkg["private"] === true)
    throw new LoomError("PLUGIN_INVALID", `${file}: 'private' is true, so it cannot be published`);
}

export const tarballName = (pkg: PackageJson): string =>
  `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`;

export async function packPlugin(dir: string): Promise<Packed> {
  const pkg = readPackageJson(dir);
  const { manifest } = await checkPluginDir(dir);
  checkPackage(pkg, manifest, dir);
  const extra = readdirNames(dir).filter((f) => /^(README|LICEN[CS]E|CHANGELOG)(\.(md|txt))?$/i.test(f));
  const files = [...new Set(["package.json", "loom-plugin.json", manifest.entry, ...extra])].sort();
  const chunks: Buffer[] = [];
  const stream = create({ gzip: true, cwd: dir, prefix: "package", portable: true, mtime: NPM_MTIME }, files);
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  const tarball = Buffer.concat(chunks);
  const integrity = fromData(tarball, { algorithms: ["sha512"] }).toString();
  return { pkg, manifest, tarball, integrity, filename: tarballName(pkg), files };
}

function readdirNames(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => d.name);
}
