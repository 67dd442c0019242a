import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleThread } from "../_test-helpers.ts";
import type { Principal } from "../auth/principal.ts";
import { holdWriteLock } from "../db/_lock-holder.ts";
import { openDb } from "../db/open.ts";
import { createDbWriter, DbBusyError } from "../db/writer.ts";
import { type Logger, silentLogger } from "../logger.ts";
import { createThreadStore, type PutRunner } from "./store.ts";
import { startThreadWriter } from "./thread-writer.ts";

const dir = mkdtempSync(join(tmpdir(), "loom-thread-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const alice = { userId: "alice", via: "token" } as Principal;
const bob = { userId: "bob", via: "token" } as Principal;

/** A store on a file database whose PUTs go to a thread-writer worker, counting those that did. */
function workerStore(name: string, o: { busyTimeoutMs?: number; log?: Logger } = {}) {
  const path = join(dir, `${name}.db`);
  const db = openDb(path);
  const tw = startThreadWriter(path, { log: o.log ?? silentLogger, busyTimeoutMs: o.busyTimeoutMs ?? 5000 });
  let remote = 0;
  const runPut: PutRunner = (req) => {
    const p = tw.run(req);
    if (p) remote++;
    return p;
  };
  const store = createThreadStore(db, createDbWriter(db.$client), undefined, runPut);
  return { path, db, tw, store, remote: () => remote };
}

describe("thread writer worker", () => {
  test("runs a PUT's transaction and answers as the store on the server's thread does", async () => {
    const w = workerStore("answers");
    const t = sampleThread({ title: "on the worker" });
    const created = await w.store.put(alice, t, undefined);
    expect(created).toMatchObject({ kind: "created", thread: { id: t.id, version: 1, isPrivate: false } });
    expect(await w.store.put(alice, t, undefined)).toEqual({
      kind: "precondition_required",
      currentVersion: 1,
    });
    expect(await w.store.put(alice, t, 7)).toEqual({ kind: "conflict", currentVersion: 1 });
    expect(await w.store.put(bob, t, 1)).toEqual({ kind: "forbidden" });
    const updated = await w.store.put(alice, { ...t, title: "again" }, 1);
    expect(updated).toMatchObject({ kind: "updated", thread: { version: 2, title: "again" } });
    expect(w.remote()).toBe(5);
    // The worker's commit is visible to the server's connection, body and columns alike.
    const row = w.store.get(t.id);
    expect(row).toMatchObject({ version: 2, title: "again", ownerId: "alice" });
    expect(JSON.parse(row?.body ?? "{}")).toEqual({ ...t, title: "again", version: 2, isPrivate: false });
    await w.tw.stop();
  });

  test("writes sent together all commit, each with its own version", async () => {
    const w = workerStore("together");
    const ts = Array.from({ length: 20 }, (_, i) => sampleThread({ title: `t${i}` }));
    const outs = await Promise.all(ts.map((t) => w.store.put(alice, t, undefined)));
    expect(outs.every((o) => o.kind === "created")).toBe(true);
    const again = await Promise.all(ts.map((t) => w.store.put(alice, t, 1)));
    expect(again.map((o) => (o.kind === "updated" ? o.thread.version : o.kind))).toEqual(ts.map(() => 2));
    await w.tw.stop();
  });

  test("a write lock held past the busy timeout fails the PUT with DbBusyError, nothing written", async () => {
    const w = workerStore("busy", { busyTimeoutMs: 150 });
    const lock = await holdWriteLock(w.path);
    const t = sampleThread();
    try {
      await expect(w.store.put(alice, t, undefined)).rejects.toBeInstanceOf(DbBusyError);
    } finally {
      await lock.release();
    }
    expect(w.store.get(t.id)).toBeUndefined();
    expect((await w.store.put(alice, t, undefined)).kind).toBe("created");
    await w.tw.stop();
  });

  test("a worker that cannot open the database: one log line, and writes run on the server's thread", async () => {
    const lines: string[] = [];
    let logged = () => {};
    const failed = new Promise<void>((resolve) => (logged = resolve));
    const log: Logger = {
      info() {},
      error(event) {
        lines.push(event);
        logged();
      },
    };
    const path = join(dir, "fallback.db");
    const db = openDb(path);
    // The worker opens a file that is not there (it never creates one).
    const tw = startThreadWriter(join(dir, "missing", "nope.db"), { log, busyTimeoutMs: 1000 });
    await failed;
    expect(lines).toEqual(["db.thread_writer_failed"]);
    const store = createThreadStore(db, createDbWriter(db.$client), undefined, tw.run);
    const t = sampleThread();
    expect((await store.put(alice, t, undefined)).kind).toBe("created");
    expect(store.get(t.id)?.version).toBe(1);
    await tw.stop();
  });

  test("stop() waits for the writes given before it", async () => {
    const w = workerStore("stop");
    const ts = Array.from({ length: 10 }, () => sampleThread());
    const puts = ts.map((t) => w.store.put(alice, t, undefined));
    await w.tw.stop();
    expect((await Promise.all(puts)).map((o) => o.kind)).toEqual(ts.map(() => "created"));
    // After stop, the store writes on its own thread.
    const late = sampleThread();
    expect((await w.store.put(alice, late, undefined)).kind).toBe("created");
    expect(w.remote()).toBe(10);
  });
});
