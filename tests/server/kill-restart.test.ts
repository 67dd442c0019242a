/**
 * Nothing is lost across kill -9: the server (`loom serve` in a child process) is killed while a sync
 * client queues threads; the client is killed too; after both restart, the queue drains and every
 * thread is on the server, including those written before the server died.
 */
import { afterAll, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { openDb } from "@loom/server/db";
import { createToken } from "@loom/server/tokens";
import { tempDir } from "./_helpers.ts";

const ROOT = join(import.meta.dir, "../..");
const procs: ReturnType<typeof Bun.spawn>[] = [];

afterAll(() => {
  for (const p of procs) if (p.exitCode === null) p.kill("SIGKILL");
});

async function freePort(): Promise<number> {
  const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = s.port ?? 0;
  await s.stop(true);
  return port;
}

/** Reads stdout lines until `until` matches one (bounded by `maxLines`). */
async function readLines(p: ReturnType<typeof Bun.spawn>, until: (l: string) => boolean, maxLines = 50) {
  const lines: string[] = [];
  const reader = (p.stdout as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let buf = "";
  while (lines.length < maxLines) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let nl = buf.indexOf("\n");
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      if (until(line)) {
        reader.releaseLock();
        return lines;
      }
      nl = buf.indexOf("\n");
    }
  }
  throw new Error(`process ended before the expected line; got:\n${lines.join("\n")}`);
}

test("queued syncs survive SIGKILL of the server and the client, and are delivered after restart", async () => {
  const dir = tempDir();
  const env = {
    ...process.env,
    XDG_DATA_HOME: join(dir, "data"),
    XDG_CONFIG_HOME: join(dir, "config"),
    XDG_STATE_HOME: join(dir, "state"),
    LOOM_SERVER_DB_PATH: join(dir, "server.db"),
    LOOM_SYNC_DIR: join(dir, "sync"),
  };
  const setup = openDb(env.LOOM_SERVER_DB_PATH);
  const token = createToken(setup, { name: "ada" }).token;
  setup.$client.close();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const workerEnv = { ...env, LOOM_SERVER_URL: url, LOOM_TOKEN: token };

  const serve = () => {
    const p = Bun.spawn(["bun", "cli/src/main.ts", "serve", "--port", String(port)], {
      cwd: ROOT,
      env,
      stdout: "pipe",
      stderr: "pipe",
    });
    procs.push(p);
    return p;
  };
  const worker = (...args: string[]) => {
    const p = Bun.spawn(["bun", join(import.meta.dir, "_sync-worker.ts"), ...args], {
      cwd: ROOT,
      env: workerEnv,
      stdout: "pipe",
      stderr: "inherit",
    });
    procs.push(p);
    return p;
  };
  const results = (lines: string[]) =>
    lines.map((l) => JSON.parse(l) as { status?: string; id?: string }).filter((r) => r.status);

  /** Waits for the "listening" line; on failure, shows what the server wrote on stderr. */
  const started = async (p: ReturnType<typeof Bun.spawn>) => {
    try {
      await readLines(p, (l) => l.includes("listening on"));
    } catch (e) {
      p.kill("SIGKILL");
      const err = await new Response(p.stderr as ReadableStream<Uint8Array>).text();
      throw new Error(`${(e as Error).message}\nstderr:\n${err}`);
    }
  };

  let server = serve();
  await started(server);

  const before = worker("push", "2");
  const delivered = results(await readLines(before, (l) => l.includes('"done"')));
  before.kill("SIGKILL");
  expect(delivered.map((r) => r.status)).toEqual(["synced", "synced"]);

  server.kill("SIGKILL");
  await server.exited;

  const offline = worker("push", "3");
  const queued = results(await readLines(offline, (l) => l.includes('"done"')));
  offline.kill("SIGKILL");
  await offline.exited;
  expect(queued.map((r) => r.status)).toEqual(["queued", "queued", "queued"]);
  expect(
    readdirSync(env.LOOM_SYNC_DIR)
      .filter((f) => f.endsWith(".json"))
      .sort(),
  ).toEqual(queued.map((r) => `${r.id}.json`).sort());

  server = serve();
  await started(server);
  const drain = worker("drain");
  const drained = results(await readLines(drain, (l) => l.includes('"done"')));
  expect(drained.map((r) => r.status)).toEqual(["synced", "synced", "synced"]);
  expect(readdirSync(env.LOOM_SYNC_DIR).filter((f) => f.endsWith(".json"))).toEqual([]);

  for (const r of [...delivered, ...queued]) {
    const res = await fetch(`${url}/api/threads/${r.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  }
  server.kill("SIGTERM");
  await server.exited;
}, 30_000);
