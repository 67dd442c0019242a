import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { createThreadSync, type SyncConflict } from "@loom/runtime/sync/thread-sync";
import type { Thread } from "@loom/runtime/thread";
import { inProcessServer, tempDir, thread } from "./_helpers.ts";

/** A thread pushed by A, then edited on B and on A (at the given times), A pushing last. */
async function concurrentEdits(editedOnB: string, editedOnA: string) {
  const s = inProcessServer();
  const A = client(s);
  const B = client(s);
  const t = thread({ title: "original" });
  await A.sync.push(t);
  const fromServer = (await s.get(t.id)) as Thread;
  await B.sync.push({ ...fromServer, title: "edited on B", updatedAt: editedOnB });
  const pushed = await A.sync.push({ ...t, title: "edited on A", updatedAt: editedOnA });
  return { s, A, t, pushed };
}

function client(s: ReturnType<typeof inProcessServer>, queueDir = tempDir(), extra = {}) {
  const conflicts: SyncConflict[] = [];
  const sync = createThreadSync({
    serverUrl: "http://localhost",
    token: s.token,
    queueDir,
    fetch: s.fetch,
    autoRetry: false,
    onConflict: (c) => conflicts.push(c),
    ...extra,
  });
  return { sync, conflicts, queueDir };
}

describe("thread sync client", () => {
  test("pushes, then updates with If-Match from the acknowledged version", async () => {
    const s = inProcessServer();
    const { sync } = client(s);
    const t = thread();
    expect(await sync.push(t)).toEqual({ status: "synced", id: t.id, version: 1 });
    const edited = { ...t, title: "second turn", updatedAt: "2026-11-01T10:05:00.000Z" };
    expect(await sync.push(edited)).toEqual({ status: "synced", id: t.id, version: 2 });
    expect((await s.get(t.id))?.title).toBe("second turn");
    expect(sync.pending()).toEqual([]);
  });

  test("private threads are refused locally and never sent", async () => {
    const s = inProcessServer();
    const { sync, queueDir } = client(s);
    const t = thread({ isPrivate: true });
    const r = await sync.push(t);
    expect(r.status).toBe("refused");
    expect(s.calls).toBe(0);
    expect(readdirSync(queueDir).filter((f) => f.endsWith(".json"))).toEqual([]);
  });

  test("while the server is down pushes wait in the persisted queue with growing backoff; a new client drains them", async () => {
    const s = inProcessServer();
    const now = 1_000_000;
    const dir = tempDir();
    const first = client(s, dir, { clock: { now: () => now }, backoff: { baseMs: 1000, maxMs: 8000 } });
    s.setDown(true);
    const a = thread();
    const b = thread();
    expect((await first.sync.push(a)).status).toBe("queued");
    await first.sync.push(b);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      await first.sync.drain();
      const e = JSON.parse(await Bun.file(join(dir, `${a.id}.json`)).text()) as { nextAttemptAt: number };
      delays.push(e.nextAttemptAt - now);
    }
    expect(delays).toEqual([2000, 4000, 8000, 8000, 8000]);
    expect(first.sync.pending().sort()).toEqual([a.id, b.id].sort());
    first.sync.close();

    s.setDown(false);
    const second = client(s, dir);
    const results = await second.sync.drain();
    expect(results.map((r) => r.status)).toEqual(["synced", "synced"]);
    expect(second.sync.pending()).toEqual([]);
    expect((await s.get(a.id))?.id).toBe(a.id);
    expect((await s.get(b.id))?.id).toBe(b.id);
  });

  test("conflict, local newer: local keeps the id, the server copy becomes a fork; both on the server", async () => {
    const { s, A, t, pushed } = await concurrentEdits("2026-11-01T11:00:00.000Z", "2026-11-01T12:00:00.000Z");
    expect(pushed.status).toBe("conflict");
    expect(A.conflicts).toHaveLength(1);
    const c = A.conflicts[0]!;
    expect(c.winner).toBe("local");
    expect(c.fork.id).not.toBe(t.id);
    expect((await s.get(t.id))?.title).toBe("edited on A");
    expect((await s.get(c.fork.id))?.title).toBe("edited on B");
    expect(A.sync.pending()).toEqual([]);
  });

  test("conflict, server newer: the server keeps the id, the local copy is pushed as a fork", async () => {
    const { s, A, t } = await concurrentEdits("2026-11-01T12:00:00.000Z", "2026-11-01T11:00:00.000Z");
    const c = A.conflicts[0]!;
    expect(c.winner).toBe("server");
    expect(c.server.title).toBe("edited on B");
    expect((await s.get(t.id))?.title).toBe("edited on B");
    expect((await s.get(c.fork.id))?.title).toBe("edited on A");
    // A store that adopts the server copy pushes on the server's version, without another conflict.
    const next = await A.sync.push({
      ...c.server,
      title: "continued on A",
      updatedAt: "2026-11-01T13:00:00.000Z",
    });
    expect(next.status).toBe("synced");
  });

  test("server won, but the local store kept writing its own copy: the next push forks again, nothing is lost", async () => {
    const { s, A, t } = await concurrentEdits("2026-11-01T12:00:00.000Z", "2026-11-01T11:00:00.000Z");
    expect(A.conflicts[0]?.winner).toBe("server");
    const r = await A.sync.push({ ...t, title: "A again", updatedAt: "2026-11-01T13:00:00.000Z" });
    expect(r.status).toBe("conflict");
    const second = A.conflicts[1]!;
    expect(second.winner).toBe("local");
    expect((await s.get(t.id))?.title).toBe("A again");
    expect((await s.get(second.fork.id))?.title).toBe("edited on B");
    expect((await s.get(A.conflicts[0]!.fork.id))?.title).toBe("edited on A");
  });

  test("a tombstoned thread is deleted on the server; a thread the server refuses is dropped and reported", async () => {
    const s = inProcessServer();
    const rejected: string[] = [];
    const { sync } = client(s, tempDir(), { onRejected: (e: { id: string }) => rejected.push(e.id) });
    const t = thread();
    await sync.push(t);
    expect((await sync.push({ ...t, deletedAt: "2026-11-02T00:00:00.000Z" })).status).toBe("synced");
    expect(await s.get(t.id)).toBeUndefined();

    const bad = thread({ workspace: undefined as unknown as string });
    const r = await sync.push(bad);
    expect(r.status).toBe("rejected");
    expect(rejected).toEqual([bad.id]);
    expect(sync.pending()).toEqual([]);
  });

  test("queue files are whole JSON after every write (atomic), one per thread id", async () => {
    const s = inProcessServer();
    s.setDown(true);
    const { sync, queueDir } = client(s);
    const t = thread();
    for (let i = 0; i < 5; i++) await sync.push({ ...t, title: `turn ${i}` });
    const files = readdirSync(queueDir).filter((f) => f.endsWith(".json"));
    expect(files).toEqual([`${t.id}.json`]);
    const entry = JSON.parse(await Bun.file(join(queueDir, files[0]!)).text()) as {
      thread: Thread;
      attempts: number;
    };
    expect(entry.thread.title).toBe("turn 4");
    expect(entry.attempts).toBe(5);
    expect(existsSync(join(queueDir, "acked"))).toBe(true);
  });
});
