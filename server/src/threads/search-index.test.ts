/**
 * The search index off the request path (`fts-index.ts`, the maintenance worker): a search sees every
 * write acknowledged before it, pending marks survive a restart, a lost index file is rebuilt.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Thread } from "@loom/runtime/thread";
import { sampleThread } from "../_test-helpers.ts";
import { createToken } from "../auth/tokens.ts";
import { startDbMaintenance } from "../db/maintenance.ts";
import { openDb } from "../db/open.ts";
import { createDbWriter } from "../db/writer.ts";
import { silentLogger } from "../logger.ts";
import { startServer } from "../serve.ts";
import { closeSearchConnection, createFtsIndexer, indexAll, searchConnection } from "./fts-index.ts";
import type { SearchIndexer } from "./search-indexer.ts";
import { createThreadStore } from "./store.ts";

const ada = { userId: "ada", via: "token" as const };
const tempDb = () => join(mkdtempSync(join(tmpdir(), "loom-search-")), "server.db");
/** Indexes nothing itself: whatever a search then finds, something else indexed. */
const idle: SearchIndexer = { notify() {}, async catchUp() {} };
const pendingCount = (db: ReturnType<typeof openDb>) =>
  db.$client.query<{ n: number }, []>("SELECT count(*) AS n FROM threads_fts_pending").get()?.n;

async function client(dbPath: string) {
  const db = openDb(dbPath);
  const { token } = createToken(db, { name: "t" });
  db.$client.close();
  const server = await startServer({ port: 0, dbPath, env: {}, logSink: () => {} });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  return {
    server,
    async put(t: Thread, ifMatch?: number): Promise<number> {
      const res = await fetch(`${server.url}/api/threads/${t.id}`, {
        method: "PUT",
        headers: ifMatch ? { ...headers, "if-match": String(ifMatch) } : headers,
        body: JSON.stringify(t),
      });
      expect(res.status).toBeLessThan(300);
      return ((await res.json()) as { version: number }).version;
    },
    async del(id: string) {
      expect((await fetch(`${server.url}/api/threads/${id}`, { method: "DELETE", headers })).status).toBe(
        204,
      );
    },
    async search(q: string): Promise<string[]> {
      const res = await fetch(`${server.url}/api/threads/search?q=${encodeURIComponent(q)}`, { headers });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id);
    },
  };
}

describe("search index written by the maintenance worker", () => {
  test("a search finds each write acknowledged before it, by its new text only; a deleted thread is gone", async () => {
    const c = await client(tempDb());
    try {
      for (let i = 0; i < 8; i++) {
        const t = sampleThread({ title: `first${i}word` });
        const v = await c.put(t);
        expect(await c.search(`first${i}word`)).toEqual([t.id]);
        await c.put({ ...t, title: `second${i}word` }, v);
        expect(await c.search(`second${i}word`)).toEqual([t.id]);
        expect(await c.search(`first${i}word`)).toEqual([]);
        await c.del(t.id);
        expect(await c.search(`second${i}word`)).toEqual([]);
      }
    } finally {
      await c.server.stop();
    }
  });

  test("marks a stopped server left pending are indexed by the worker when it starts again", async () => {
    const path = tempDb();
    const db = openDb(path);
    const store = createThreadStore(db, createDbWriter(db.$client), idle);
    const written = [];
    for (let i = 0; i < 5; i++) {
      const t = sampleThread({ title: `restart${i} survivor` });
      await store.put(ada, t, undefined);
      written.push(t.id);
    }
    expect(pendingCount(db)).toBe(5);
    expect(await store.search(ada, "survivor", 10)).toEqual([]); // nothing indexed them
    closeSearchConnection(db.$client);
    db.$client.close();

    const again = openDb(path);
    let indexed = 0;
    let allIndexed = () => {};
    const done = new Promise<void>((r) => (allIndexed = r));
    const m = startDbMaintenance(again.$client, path, {
      log: silentLogger,
      onReport: (r) => {
        if (r.type !== "indexed") return;
        indexed += r.rows;
        if (indexed >= 5) allIndexed();
      },
    });
    await done;
    expect(pendingCount(again)).toBe(0);
    const reader = createThreadStore(again, createDbWriter(again.$client), idle);
    expect((await reader.search(ada, "survivor", 10)).map((r) => r.id).sort()).toEqual(written.sort());
    await m.stop();
    closeSearchConnection(again.$client);
    again.$client.close();
  });

  test("a deleted index file is rebuilt from the stored threads", async () => {
    const path = tempDb();
    const first = await client(path);
    const t = sampleThread({ title: "rebuilt index" });
    await first.put(t);
    expect(await first.search("rebuilt")).toEqual([t.id]);
    await first.server.stop();
    for (const f of ["", "-wal", "-shm"]) rmSync(`${path}-search${f}`, { force: true });
    const second = await client(path);
    try {
      expect(await second.search("rebuilt")).toEqual([t.id]);
    } finally {
      await second.server.stop();
    }
  });

  test("a batch indexed again (a crash before its marks were deleted) leaves one entry", async () => {
    const db = openDb(":memory:");
    const store = createThreadStore(db, createDbWriter(db.$client), idle);
    const t = sampleThread({ title: "replayed batch" });
    await store.put(ada, t, undefined);
    const indexer = createFtsIndexer(searchConnection(db.$client));
    const mark = db.$client
      .query<{ fts_rowid: number }, []>("SELECT fts_rowid FROM threads_fts_pending")
      .get();
    const seqs = indexer.indexBatch(10);
    expect(seqs).toHaveLength(1);
    expect(indexer.indexBatch(10, seqs[0])).toEqual([]); // nothing newer than what it indexed
    // Its marks are not forgotten (a crash before that): the next run indexes the same batch again.
    expect(indexer.indexBatch(10)).toEqual(seqs);
    indexer.forget(seqs);
    db.$client.run("INSERT INTO threads_fts_pending (fts_rowid) VALUES (?)", [mark?.fts_rowid ?? 0]);
    indexAll(indexer);
    const hits = db.$client
      .query<{ n: number }, []>(
        "SELECT count(*) AS n FROM search.threads_fts WHERE threads_fts MATCH 'replayed'",
      )
      .get();
    expect(hits?.n).toBe(1);
    expect(pendingCount(db)).toBe(0);
  });
});
