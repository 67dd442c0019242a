/**
 * `loom plugin install <dir | file.tgz | npm package>` and `loom plugin remove <name>`. A plugin is
 * validated exactly as the registry would load it (manifest, sha256, imports, exports) before it is
 * copied into the user plugin folder; TypeScript plugins are refused (they would run unsandboxed).
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { LoomError } from "@loom/runtime/errors";
import { NO_PERMISSIONS } from "@loom/runtime/plugins/permissions";
import { readPluginDir } from "@loom/runtime/plugins/sources";
import { loadWasmPlugin } from "@loom/runtime/plugins/wasm-plugin";

export interface Installed {
  name: string;
  version: string;
  dir: string;
  replaced: boolean;
}

function run(cmd: string[], cwd: string, what: string): void {
  const p = Bun.spawnSync(cmd, { cwd, stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0) {
    const err = p.stderr.toString().trim().split("\n").slice(-3).join(" ");
    throw new LoomError("PLUGIN_INVALID", `${what} failed: ${err || `exit ${p.exitCode}`}`);
  }
}

/** npm's retries would make an unreachable registry hang for a minute; one quick retry only. */
const NPM_FETCH = [
  "--fetch-retries=1",
  "--fetch-retry-mintimeout=1000",
  "--fetch-retry-maxtimeout=2000",
  "--fetch-timeout=30000",
];
const UNREACHABLE = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH|EHOSTUNREACH)$/;

/** One line for a failed `npm pack`, from npm's error output. */
export function npmFailure(spec: string, stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.replace(/^npm (error|ERR!) ?/, "").trim());
  const code = lines.find((l) => l.startsWith("code "))?.slice(5);
  if (code === "E404") return `no package '${spec}' on the npm registry`;
  if (code && UNREACHABLE.test(code))
    return `cannot reach the npm registry (${code}); check the network or npm's registry setting`;
  const message = lines.find(
    (l) => l && !/^(code|errno|syscall|A complete log|at |\{|\}|404\s*$)/.test(l) && !l.startsWith("If you"),
  );
  return message ?? (code ? `npm failed (${code})` : "npm failed");
}

function npmPack(spec: string, into: string): void {
  const p = (() => {
    try {
      return Bun.spawnSync(
        ["npm", "pack", spec, "--loglevel=error", ...NPM_FETCH, "--pack-destination", into],
        {
          cwd: into,
          stdout: "pipe",
          stderr: "pipe",
        },
      );
    } catch {
      throw new LoomError(
        "PLUGIN_INVALID",
        `'${spec}' is not a folder or file here, and npm is not installed to fetch it`,
      );
    }
  })();
  if (p.exitCode !== 0) throw new LoomError("PLUGIN_INVALID", npmFailure(spec, p.stderr.toString()));
}

/** `./x`, `/x`, `~/x`, `x.tgz`: meant as a path, so a missing one is not looked up on npm. */
const looksLikePath = (spec: string): boolean =>
  /^(\.{1,2}(\/|$)|\/|~)/.test(spec) || /\.(tgz|tar\.gz)$/.test(spec);

/** Unpacks a .tgz (npm layout `package/…` or flat) and returns the folder holding loom-plugin.json. */
function unpack(tgz: string, into: string): string {
  run(["tar", "-xzf", tgz, "-C", into], into, `unpacking ${tgz}`);
  for (const d of [join(into, "package"), into]) if (existsSync(join(d, "loom-plugin.json"))) return d;
  throw new LoomError("PLUGIN_INVALID", `${tgz} holds no loom-plugin.json`);
}

function fetchNpm(spec: string, into: string): string {
  if (looksLikePath(spec)) throw new LoomError("NOT_FOUND", `no such plugin folder or file: ${spec}`);
  process.stderr.write(`fetching ${spec} from npm…\n`);
  npmPack(spec, into);
  const tgz = readdirSync(into).find((f) => f.endsWith(".tgz"));
  if (!tgz) throw new LoomError("PLUGIN_INVALID", `npm pack ${spec} produced no tarball`);
  const out = join(into, "unpacked");
  mkdirSync(out);
  return unpack(join(into, tgz), out);
}

export async function installPlugin(spec: string, userDir: string): Promise<Installed> {
  const scratch = mkdtempSync(join(tmpdir(), "loom-install-"));
  try {
    const local = resolve(spec);
    const src = existsSync(local)
      ? statSync(local).isDirectory()
        ? local
        : unpack(local, scratch)
      : fetchNpm(spec, scratch);
    const candidate = await readPluginDir(src, "user");
    const { manifest } = candidate;
    if (manifest.runtime !== "wasm") {
      throw new LoomError(
        "PLUGIN_INVALID",
        `${manifest.name}: only wasm plugins can be installed (TypeScript plugins run unsandboxed)`,
      );
    }
    const wasm = await candidate.load();
    if (!(wasm instanceof Uint8Array))
      throw new LoomError("PLUGIN_INVALID", `${manifest.name}: entry is not wasm`);
    loadWasmPlugin({ manifest, wasm, root: scratch, permissions: async () => NO_PERMISSIONS }).host.close();

    const dest = join(userDir, manifest.name);
    const staging = `${dest}.installing-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(dirname(join(staging, manifest.entry)), { recursive: true });
    cpSync(join(src, "loom-plugin.json"), join(staging, "loom-plugin.json"));
    cpSync(join(src, manifest.entry), join(staging, manifest.entry));
    if (existsSync(join(src, "README.md"))) cpSync(join(src, "README.md"), join(staging, "README.md"));
    const replaced = existsSync(dest);
    rmSync(dest, { recursive: true, force: true });
    renameSync(staging, dest);
    return { name: manifest.name, version: manifest.version, dir: dest, replaced };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function removePlugin(name: string, userDir: string): string {
  const dest = join(userDir, name);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name) || !existsSync(join(dest, "loom-plugin.json"))) {
    throw new LoomError("NOT_FOUND", `no plugin '${name}' installed in ${userDir}`);
  }
  rmSync(dest, { recursive: true, force: true });
  return dest;
}
