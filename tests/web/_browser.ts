/**
 * Shared by the web UI's browser tests and bench: Debian's Chromium driven by playwright-core (no
 * browser download), a real `loom serve` (startServer) on 127.0.0.1:0 over a temporary database
 * serving a fresh Vite build of web/, and one API token.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Thread } from "@loom/runtime/thread";
import { startServer } from "@loom/server/serve";
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
    { cwd: join(root, "web"), stdout: "pipe", stderr: "pipe" },
  );
  if (p.exitCode !== 0) throw new Error(`vite build failed: ${p.stderr.toString().slice(0, 2000)}`);
}

/** One build per test process: the web test files of a `bun test` run share it (removed at exit). */
let sharedDist: string | undefined;
function builtWeb(): string {
  if (sharedDist) return sharedDist;
  const dir = mkdtempSync(join(tmpdir(), "loom-web-dist-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  buildWeb(join(dir, "dist"));
  sharedDist = join(dir, "dist");
  return sharedDist;
}

export async function startWebServer() {
  const dir = mkdtempSync(join(tmpdir(), "loom-web-"));
  const distDir = builtWeb();
  const server = await startServer({
    port: 0,
    dbPath: join(dir, "server.db"),
    env: { HOME: dir, XDG_DATA_HOME: dir },
    logSink: () => {},
    web: webAssetsFromDir(distDir),
  });
  const token = createToken(server.db, { name: "ada" }).token;
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    url: server.url,
    token,
    distDir,
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
