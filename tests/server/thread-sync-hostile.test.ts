/**
 * The sync client against what goes wrong outside it: queue files damaged on disk, a server (or
 * something in front of it) answering 200 with a page that is not ours, a server that never answers.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createThreadSync } from "@loom/runtime/sync/thread-sync";
import { newThreadId } from "@loom/runtime/thread";
import { inProcessServer, tempDir, thread } from "./_helpers.ts";

const sync = (fetchFn: typeof fetch, queueDir = tempDir(), extra = {}) =>
  createThreadSync({
    serverUrl: "http://localhost",
    token: "lt_x",
    queueDir,
    fetch: fetchFn,
    autoRetry: false,
    ...extra,
  });

describe("thread sync under damage", () => {
  test("damaged queue files are moved to corrupt/ (kept), the rest of the queue still drains", async () => {
    const s = inProcessServer();
    const dir = tempDir();
    const good = thread();
    const damaged = {
      [newThreadId()]: '{"thread":{"id":"T-trunc',
      [newThreadId()]: "null",
      [newThreadId()]: JSON.stringify({ attempts: 0, nextAttemptAt: 0 }),
      [newThreadId()]: JSON.stringify({ thread: thread(), attempts: 0, nextAttemptAt: 0 }), // id differs from the file
    };
    for (const [id, text] of Object.entries(damaged)) writeFileSync(join(dir, `${id}.json`), text);
    const c = createThreadSync({
      serverUrl: "http://localhost",
      token: s.token,
      queueDir: dir,
      fetch: s.fetch,
      autoRetry: false,
    });
    expect((await c.push(good)).status).toBe("synced");
    const results = await c.drain();
    expect(results.every((r) => r.status !== "synced")).toBe(true);
    expect(c.pending()).toEqual([]);
    const kept = readdirSync(join(dir, "corrupt"));
    expect(kept).toHaveLength(4);
    for (const id of Object.keys(damaged)) expect(kept.some((f) => f.startsWith(`${id}.`))).toBe(true);
    expect(await c.drain()).toEqual([]);
  });

  test("a 200 that is not the server's answer leaves the thread queued for a retry", async () => {
    const portal = (async () =>
      new Response("<html>sign in to the wifi</html>", { status: 200 })) as unknown as typeof fetch;
    const dir = tempDir();
    const t = thread();
    const r = await sync(portal, dir).push(t);
    expect(r).toEqual({ status: "queued", id: t.id, error: "200 from the server without a thread version" });
    expect(existsSync(join(dir, `${t.id}.json`))).toBe(true);
  });

  test("a server that never answers times out and the thread stays queued", async () => {
    let aborted = 0;
    const hung = ((_input: unknown, init?: RequestInit) =>
      new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener("abort", () => {
          aborted++;
          reject(init.signal?.reason);
        });
      })) as unknown as typeof fetch;
    const t = thread();
    const r = await sync(hung, tempDir(), { timeoutMs: 30 }).push(t);
    expect(r).toEqual({ status: "queued", id: t.id, error: "server did not answer within 30 ms" });
    expect(aborted).toBe(1);
  });
});
