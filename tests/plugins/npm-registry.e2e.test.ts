/**
 * Publishing and installing plugins through a real npm registry (verdaccio on 127.0.0.1, started
 * once for the file): the real CLI publishes with the author's .npmrc token, installs by name into
 * a fresh HOME, runs the plugin sandboxed, refuses tampered tarballs and wasm, reinstalls the
 * lockfile's exact version and updates within the range.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { publish } from "libnpmpublish";
import { create } from "tar";
import { publishFolder, startVerdaccio, type TestRegistry } from "../fixtures/verdaccio.ts";

const MAIN = join(import.meta.dir, "../../cli/src/main.ts");
const base = realpathSync(mkdtempSync(join(tmpdir(), "loom-npm-registry-")));
let reg: TestRegistry;
const plugin = join(base, "author/word-count");
const PKG = "loom-plugin-word-count";

type Env = Record<string, string | undefined>;

/** A fresh HOME with its own XDG folders (and no .npmrc unless written). */
function home(name: string): Env {
  const h = join(base, name);
  mkdirSync(h, { recursive: true });
  return {
    ...process.env,
    HOME: h,
    XDG_DATA_HOME: join(h, "data"),
    XDG_CONFIG_HOME: join(h, "config"),
    XDG_STATE_HOME: join(h, "state"),
    XDG_CACHE_HOME: join(h, "cache"),
    NPM_CONFIG_USERCONFIG: undefined,
    npm_config_userconfig: undefined,
    npm_config_registry: undefined,
  };
}

/** The real CLI, awaited (the registry runs in this process, so a blocking spawn would starve it). */
async function loom(
  env: Env,
  cwd: string,
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const p = Bun.spawn([process.execPath, MAIN, ...args], {
    cwd,
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, out, err };
}

let author: Env;

function setVersion(version: string): void {
  for (const f of ["package.json", "loom-plugin.json"]) {
    const file = join(plugin, f);
    const json = JSON.parse(readFileSync(file, "utf8"));
    json.version = version;
    writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  }
}

async function publishVersion(version: string): Promise<void> {
  setVersion(version);
  const r = await loom(author, plugin, "plugin", "publish");
  expect(r.err).toBe("");
  expect(r.out).toBe(`published ${PKG}@${version} to ${reg.url}\n`);
}

const lockOf = (env: Env) =>
  JSON.parse(readFileSync(join(env["XDG_DATA_HOME"] as string, "loom/plugins.lock"), "utf8"));

function workspace(): string {
  const ws = mkdtempSync(join(base, "ws-"));
  writeFileSync(join(ws, "notes.txt"), "one two three\n");
  return ws;
}

/** The single binary, compiled from this checkout (bun build --compile, as scripts/build.ts). */
const bin = join(base, "bin/loom");
let binaryBuild: { out: string; err: string; code: number };

async function run(
  cmd: string[],
  env: Env,
  cwd: string,
): Promise<{ code: number; out: string; err: string }> {
  const p = Bun.spawn(cmd, { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { code, out, err };
}

beforeAll(async () => {
  reg = await startVerdaccio();
  // The compiler the binary fetches on first use, served by the test registry (no internet), while
  // the binary compiles.
  const nm = join(import.meta.dir, "../../node_modules");
  const [compiled] = await Promise.all([
    run([process.execPath, "build", "--compile", MAIN, "--outfile", bin], process.env, base),
    (async () => {
      for (const p of ["assemblyscript", "binaryen", "long", "@extism/as-pdk"])
        await publishFolder(reg, join(nm, p));
    })(),
  ]);
  if (compiled.code !== 0) throw new Error(`bun build --compile failed: ${compiled.err}`);
  author = home("author");
  // The author's registry and credentials come from ~/.npmrc, as npm itself reads them.
  writeFileSync(
    join(author["HOME"] as string, ".npmrc"),
    `registry=${reg.url}\n${reg.nerf}:_authToken=${reg.token}\n`,
  );
  // The author has only the binary: no Loom checkout in sight of the plugin folder (a temp dir).
  const made = await run([bin, "plugin", "new", "word-count"], author, join(base, "author"));
  if (made.code !== 0) throw new Error(`plugin new failed: ${made.err}`);
  binaryBuild = await run([bin, "plugin", "build"], author, plugin);
  if (binaryBuild.code !== 0) throw new Error(`plugin build failed: ${binaryBuild.err}`);
  await publishVersion("1.0.0");
}, 240_000);

test("the single binary scaffolds, builds and tests a plugin outside a checkout, fetching the compiler from the registry once", async () => {
  expect(binaryBuild.err).toBe(
    `loom: fetching the AssemblyScript compiler from ${reg.url} (once, into ${join(base, "author/cache/loom/toolchain/assemblyscript-0.28.20")})\n`,
  );
  expect(binaryBuild.out).toStartWith("built plugin.wasm");
  const tested = await run([bin, "plugin", "test"], author, plugin);
  expect(tested.out).toContain("4 passed, 0 failed");
  expect(tested.code).toBe(0);
  // The compiler stays in the cache: a second fetch finds it and downloads nothing.
  const { fetchAsToolchain } = await import("../../cli/src/commands/plugin-toolchain.ts");
  const lines: string[] = [];
  const dir = join(base, "author/cache/loom/toolchain/assemblyscript-0.28.20");
  expect(await fetchAsToolchain({ registry: "http://127.0.0.1:1/" }, dir, (l) => lines.push(l))).toBe(
    join(dir, "node_modules"),
  );
  expect(lines).toEqual([]);
});

afterAll(async () => {
  await reg?.close();
  rmSync(base, { recursive: true, force: true });
});

test("pack checks the plugin and writes an npm tarball; a wasm that is not the manifest's is refused", async () => {
  const out = join(base, "packed");
  mkdirSync(out);
  const r = await loom(author, plugin, "plugin", "pack", "--out", out);
  expect(r.code).toBe(0);
  expect(r.out).toContain(`packed ${PKG}@1.0.0 (README.md, loom-plugin.json, package.json, plugin.wasm)`);
  expect(r.out).toMatch(/sha512-[A-Za-z0-9+/]+=*/);
  expect(existsSync(join(out, `${PKG}-1.0.0.tgz`))).toBe(true);

  const copy = join(base, "bad-pack");
  Bun.spawnSync(["cp", "-r", plugin, copy]);
  writeFileSync(
    join(copy, "plugin.wasm"),
    Buffer.concat([readFileSync(join(copy, "plugin.wasm")), Buffer.from([0])]),
  );
  const bad = await loom(author, copy, "plugin", "pack");
  expect(bad.code).toBe(1);
  expect(bad.err).toContain("sha256 of plugin.wasm is");
  expect(bad.err.trim().split("\n")).toHaveLength(1);
}, 60_000);

test("publish: the same version again is a conflict; without credentials the registry wants a login", async () => {
  const again = await loom(author, plugin, "plugin", "publish");
  expect(again.code).toBe(1);
  expect(again.err.trim()).toBe(
    `loom: CONFLICT: ${PKG}@1.0.0 is already on ${reg.url}; bump the version in package.json and loom-plugin.json`,
  );
  const stranger = home("stranger");
  setVersion("1.0.1");
  try {
    const anon = await loom(stranger, plugin, "plugin", "publish", "--registry", reg.url);
    expect(anon.code).toBe(1);
    expect(anon.err).toContain(`wants a login`);
    expect(anon.err.trim().split("\n")).toHaveLength(1);
  } finally {
    setVersion("1.0.0");
  }
});

test("install by name into a fresh HOME: permissions asked, granted with --yes, recorded; the plugin runs sandboxed", async () => {
  const user = home("user1");
  const ws = workspace();
  // No terminal and no --yes: refused with one line, nothing installed.
  const refused = await loom(user, ws, "plugin", "install", `${PKG}@^1.0.0`, "--registry", reg.url);
  expect(refused.code).toBe(1);
  expect(refused.err).toContain("word-count 1.0.0 asks to:\n  - read files under: .\n");
  expect(refused.err).toContain("there is no terminal to ask on; pass --yes to grant them");
  expect(existsSync(join(user["XDG_DATA_HOME"] as string, "loom/plugins/word-count"))).toBe(false);

  const ok = await loom(user, ws, "plugin", "install", `${PKG}@^1.0.0`, "--registry", reg.url, "--yes");
  expect(ok.err).toContain(`fetching ${PKG}@1.0.0 from ${reg.url}`);
  expect(ok.out).toContain("installed word-count 1.0.0");
  expect(ok.code).toBe(0);
  const entry = lockOf(user).plugins["word-count"];
  expect(entry).toMatchObject({
    package: PKG,
    spec: "^1.0.0",
    version: "1.0.0",
    source: "registry",
    granted: { read: ["."] },
  });
  expect(entry.integrity).toStartWith("sha512-");
  expect(entry.sha256).toBe(JSON.parse(readFileSync(join(plugin, "loom-plugin.json"), "utf8")).sha256);

  // The grant recorded at install lets the plugin read the workspace, and nothing outside it.
  const read = await loom(user, ws, "tools", "call", "word_count", '{"path":"notes.txt"}');
  expect(read.code).toBe(0);
  expect(JSON.parse(read.out)).toEqual({ words: 3, lines: 1 });
  const outside = await loom(user, ws, "tools", "call", "word_count", '{"path":"../outside.txt"}');
  expect(outside.code).toBe(1);
  expect(outside.err).toContain("PATH_OUTSIDE_WORKSPACE");
}, 90_000);

test("the registry from config [plugins] registry, or from .npmrc; a missing package is one line", async () => {
  const user = home("user2");
  const ws = workspace();
  mkdirSync(join(user["XDG_CONFIG_HOME"] as string, "loom"), { recursive: true });
  writeFileSync(
    join(user["XDG_CONFIG_HOME"] as string, "loom/config.toml"),
    `[plugins]\nregistry = "${reg.url}"\n`,
  );
  const ok = await loom(user, ws, "plugin", "install", PKG, "--deny");
  expect(ok.code).toBe(0);
  expect(lockOf(user).plugins["word-count"]).toMatchObject({ spec: "^1.0.0", granted: {} });
  // Granted nothing: headless use of the read permission is denied.
  const denied = await loom(user, ws, "tools", "call", "word_count", '{"path":"notes.txt"}');
  expect(denied.err).toContain("PERMISSION_DENIED");

  const npmrcUser = home("user3");
  writeFileSync(join(npmrcUser["HOME"] as string, ".npmrc"), `registry=${reg.url}\n`);
  const missing = await loom(npmrcUser, ws, "plugin", "install", "loom-plugin-nope", "--yes");
  expect(missing.code).toBe(1);
  expect(missing.err.trim()).toBe(`loom: NOT_FOUND: loom-plugin-nope: not found on ${reg.url}`);
}, 60_000);

test("the lockfile reinstalls exactly the same version; update moves within the range; outdated and search", async () => {
  const user = home("user4");
  const ws = workspace();
  expect(
    (await loom(user, ws, "plugin", "install", `${PKG}@^1.0.0`, "--registry", reg.url, "--yes")).code,
  ).toBe(0);
  await publishVersion("1.1.0");
  await publishVersion("2.0.0");

  // Reinstall from the lockfile: still 1.0.0 although 1.1.0 matches the range.
  rmSync(join(user["XDG_DATA_HOME"] as string, "loom/plugins/word-count"), { recursive: true });
  const again = await loom(user, ws, "plugin", "install", "--registry", reg.url);
  expect(again.out).toContain("installed word-count 1.0.0");
  expect(again.code).toBe(0);

  const outdated = await loom(user, ws, "plugin", "outdated", "--json", "--registry", reg.url);
  expect(JSON.parse(outdated.out)).toEqual([
    { name: "word-count", package: PKG, current: "1.0.0", wanted: "1.1.0", latest: "2.0.0", spec: "^1.0.0" },
  ]);

  const updated = await loom(user, ws, "plugin", "update", "word-count", "--registry", reg.url);
  expect(updated.out).toBe("updated word-count 1.0.0 → 1.1.0\n");
  expect(lockOf(user).plugins["word-count"]).toMatchObject({ version: "1.1.0", spec: "^1.0.0" });
  expect((await loom(user, ws, "plugin", "update", "--registry", reg.url)).out).toBe(
    "word-count 1.1.0 is up to date\n",
  );
  expect((await loom(user, ws, "plugin", "list")).out).toContain("word-count 1.1.0  user/wasm");

  const found = await loom(user, ws, "plugin", "search", "word", "--registry", reg.url);
  expect(found.out).toContain(`${PKG} 2.0.0  word-count: a Loom tool plugin`);
}, 120_000);

test("a tampered tarball on the registry is refused, and so is a published wasm that is not the manifest's", async () => {
  const user = home("user5");
  const ws = workspace();
  // Swap the stored 1.0.0 tarball for other bytes: the registry's integrity no longer matches.
  const stored = join(reg.storage, PKG, `${PKG}-1.0.0.tgz`);
  const original = readFileSync(stored);
  writeFileSync(stored, readFileSync(join(reg.storage, PKG, `${PKG}-2.0.0.tgz`)));
  try {
    const r = await loom(user, ws, "plugin", "install", `${PKG}@1.0.0`, "--registry", reg.url, "--yes");
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${PKG}@1.0.0: the tarball does not match its integrity`);
    expect(existsSync(join(user["XDG_DATA_HOME"] as string, "loom/plugins/word-count"))).toBe(false);
  } finally {
    writeFileSync(stored, original);
  }

  // A package published without loom's checks (npm's own library), whose wasm is not the one the
  // manifest names: the registry's integrity is fine, the sha256 is not.
  const dir = join(base, "tampered");
  Bun.spawnSync(["cp", "-r", plugin, dir]);
  const pkg = {
    ...JSON.parse(readFileSync(join(dir, "package.json"), "utf8")),
    name: "loom-plugin-tampered",
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg));
  writeFileSync(
    join(dir, "plugin.wasm"),
    Buffer.concat([readFileSync(join(dir, "plugin.wasm")), Buffer.from([0])]),
  );
  const chunks: Buffer[] = [];
  for await (const c of create({ gzip: true, cwd: dir, prefix: "package", portable: true }, [
    "package.json",
    "loom-plugin.json",
    "plugin.wasm",
  ]))
    chunks.push(Buffer.from(c as Uint8Array));
  await publish(pkg, Buffer.concat(chunks), {
    registry: reg.url,
    [`${reg.nerf}:_authToken`]: reg.token,
  } as Parameters<typeof publish>[2]);
  const r = await loom(user, ws, "plugin", "install", "loom-plugin-tampered", "--registry", reg.url, "--yes");
  expect(r.code).toBe(1);
  expect(r.err).toContain("sha256 of plugin.wasm is");
  expect(r.err).toContain("refusing to load");
  expect(existsSync(join(user["XDG_DATA_HOME"] as string, "loom/plugins/word-count"))).toBe(false);
}, 90_000);

test("a scoped registry and its token from .npmrc; a workspace install and its lockfile; remove drops the entry", async () => {
  // The author's default registry is unreachable; only @acme goes to the test registry.
  const scoped = home("scoped-author");
  writeFileSync(
    join(scoped["HOME"] as string, ".npmrc"),
    `registry=http://127.0.0.1:1/\n@acme:registry=${reg.url}\n${reg.nerf}:_authToken=\${ACME_TOKEN}\n`,
  );
  scoped["ACME_TOKEN"] = reg.token;
  const dir = join(base, "acme-plugin");
  Bun.spawnSync(["cp", "-r", plugin, dir]);
  const pkgFile = join(dir, "package.json");
  writeFileSync(
    pkgFile,
    JSON.stringify({ ...JSON.parse(readFileSync(pkgFile, "utf8")), name: "@acme/word-count" }),
  );
  const published = await loom(scoped, dir, "plugin", "publish");
  expect(published.err).toBe("");
  expect(published.out).toContain(`published @acme/word-count@`);
  expect(published.out).toContain(`to ${reg.url}`);

  const user = home("scoped-user");
  writeFileSync(join(user["HOME"] as string, ".npmrc"), `@acme:registry=${reg.url}\n`);
  const ws = workspace();
  const r = await loom(user, ws, "plugin", "install", "@acme/word-count", "--workspace");
  expect(r.code).toBe(0);
  expect(r.err).toContain(
    "(workspace plugins are granted in your config, [plugins.grants.word-count], or when first used)",
  );
  expect(existsSync(join(ws, ".loom/plugins/word-count/plugin.wasm"))).toBe(true);
  const lock = JSON.parse(readFileSync(join(ws, ".loom/plugins.lock"), "utf8"));
  expect(lock.plugins["word-count"]).toMatchObject({ package: "@acme/word-count", granted: {} });
  expect((await loom(user, ws, "plugin", "list")).out).toContain("word-count");
  expect((await loom(user, ws, "plugin", "remove", "word-count", "--workspace")).code).toBe(0);
  expect(JSON.parse(readFileSync(join(ws, ".loom/plugins.lock"), "utf8")).plugins).toEqual({});
}, 60_000);
