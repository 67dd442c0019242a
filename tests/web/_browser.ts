/**
 * Shared by the web UI's browser tests and bench: Debian's Chromium driven by playwright-core (no
 * browser download), a real `loom serve` (startServer) on 127.0.0.1:0 over a temporary database
 * serving a fresh Vite build of web/, and one API token.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Thread } from "@loom/runtime/thread";
import { type ServerAuthConfig, startServer } from "@loom/server/serve";
import { createToken } from "@loom/server/tokens";
import { webAssetsFromDir } from "@loom/server/web-assets";
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
const root = join(import.meta.dir, "../..");
export const ARTIFACTS = join(root, "test-artifacts/web");

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Builds web/ into a temporary folder (so a concurrent `bun run build` is not disturbed). */
export function buildWeb(outDir: string): void {
  const p = Bun.spawnSync(
    [
      process.execPath,
      "x",
      "--bun",
      "vite",
      "build",
      "--outDir",
      outDir,
      "--emptyOutDir",
      "--logLevel",
      "error",
    ],
    // `bun test` sets NODE_ENV=test, which would give Vue's development build: test what ships.
    {
      cwd: join(root, "web"),
      env: { ...process.env, NODE_ENV: "production" },
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  if (p.exitCode !== 0) throw new Error(`vite build failed: ${p.stderr.toString().slice(0, 2000)}`);
}

/** A hash of everything a Vite build of web/ reads: its sources, config and the lockfile. */
function webSourcesHash(): string {
  const h = new Bun.CryptoHasher("sha256");
  const add = (path: string) => {
    h.update(path);
    h.update(readFileSync(path));
  };
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!e.name.endsWith(".test.ts")) add(p);
    }
  };
  walk(join(root, "web/src"));
  for (const f of ["web/index.html", "web/vite.config.ts", "web/package.json", "bun.lock"])
    add(join(root, f));
  return h.digest("hex").slice(0, 16);
}

/**
 * A Vite build of the current web/ sources, made once and shared by the browser test files and the
 * bench of a run (and later runs while the sources are unchanged): a folder in the temp dir named by
 * the sources' hash, written under another name and renamed into place.
 */
export function webBuild(): string {
  const out = join(tmpdir(), `loom-web-build-${webSourcesHash()}`);
  if (existsSync(join(out, "index.html"))) return out;
  const tmp = `${out}.${process.pid}.tmp`;
  buildWeb(tmp);
  try {
    renameSync(tmp, out);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run built it first
  }
  return out;
}

export async function startWebServer(
  o: { auth?: ServerAuthConfig; weavers?: NonNullable<Parameters<typeof startServer>[0]>["weavers"] } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), "loom-web-"));
  const dist = webBuild();
  const server = await startServer({
    port: 0,
    dbPath: join(dir, "server.db"),
    env: { HOME: dir, XDG_DATA_HOME: dir },
    logSink: () => {},
    web: webAssetsFromDir(dist),
    auth: o.auth,
    weavers: o.weavers,
  });
  const token = createToken(server.db, { name: "ada" }).token;
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    url: server.url,
    token,
    distDir: dist,
    /** Users, orgs, sessions of this server (to seed accounts the way sign-in would). */
    backend: server.backend,
    server,
    /** The server's database (tests seed rows no API writes directly, such as usage). */
    db: server.db,
    async put(t: Thread) {
      const res = await fetch(`${server.url}/api/threads/${t.id}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(t),
      });
      if (res.status !== 201) throw new Error(`seeding ${t.id}: ${res.status} ${await res.text()}`);
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A thread of `n` messages in turns of four (question, tool call, its result, answer): 2,000 → 500 calls. */
export function longThread(id: string, n: number): Thread {
  const messages: Thread["messages"] = [];
  for (let i = 0; messages.length < n; i++) {
    messages.push({ role: "user", content: `Question ${i}: what does \`step${i}\` do?` });
    messages.push({
      role: "assistant",
      content: `Looking at step ${i}.`,
      toolCalls: [{ id: `c${i}`, name: "read_file", input: { path: `src/step${i}.ts` } }],
    });
    messages.push({
      role: "tool",
      toolCallId: `c${i}`,
      name: "read_file",
      content: `export const step${i} = ${i};`,
    });
    messages.push({
      role: "assistant",
      content: `Step ${i}:\n\n\`\`\`ts\nexport const step${i} = ${i};\n\`\`\``,
    });
  }
  return {
    id,
    version: 0,
    createdAt: "2026-11-02T10:00:00.000Z",
    updatedAt: "2026-11-02T10:00:00.000Z",
    workspace: "/home/ada/big",
    visibility: "team",
    isPrivate: false,
    title: "A long thread",
    messages: messages.slice(0, n),
  };
}
