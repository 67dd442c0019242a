import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleThread } from "../_test-helpers.ts";
import type { Principal } from "../auth/principal.ts";
import { listMigrations, MIGRATIONS_DIR, migrate } from "../db/migrate.ts";
import { openDb } from "../db/open.ts";
import { createDbWriter } from "../db/writer.ts";
import { closeSearchConnection, searchConnection } from "./fts-index.ts";
import { createThreadStore } from "./store.ts";

const ada: Principal = { userId: "ada", via: "token" };

/** Every SQL text the connection prepares or runs from now on. */
function recordSql(sqlite: Database): string[] {
  const seen: string[] = [];
  for (const m of ["prepare", "query", "run", "exec"] as const) {
    const orig = (sqlite[m] as (...a: unknown[]) => unknown).bind(sqlite);
    (sqlite as unknown as Record<string, unknown>)[m] = (sql: string, ...rest: unknown[]) => {
      seen.push(sql);
      return orig(sql, ...rest);
    };
  }
  return seen;
}

function setup() {
  const db = openDb(":memory:");
  searchConnection(db.$client); // attaches the (empty) index before recording
  const sql = recordSql(db.$client);
  const store = createThreadStore(db, createDbWriter(db.$client));
  const ids = async (q: string) => (await store.search(ada, q, 10)).map((r) => r.id);
  return { db, sql, store, ids };
}

const pendingCount = (db: ReturnType<typeof openDb>) =>
  db.$client.query<{ n: number }, []>("SELECT count(*) AS n FROM threads_fts_pending").get()?.n;

describe("thread store: full-text index keyed by rowid", () => {
  test("no statement of the write path or the indexer scans threads_fts or threads in full", async () => {
    const { db, sql, store, ids } = setup();
    const t = sampleThread();
    await store.put(ada, t, undefined); // create
    await store.put(ada, { ...t, title: "renamed" }, 1); // update
    await store.setVisibility(t.id, "private");
    await store.softDelete(t.id, new Date());
    await store.put(ada, t, undefined); // revive
    expect(await ids("hello")).toEqual([]); // indexes what is pending first
    const writes = [...new Set(sql)].filter(
      (s) => !/^\s*(PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(s),
    );
    expect(writes.some((s) => /threads_fts/.test(s))).toBe(true);
    const plans = writes.flatMap((s) =>
      db.$client
        .query<{ detail: string }, []>(`EXPLAIN QUERY PLAN ${s}`)
        .all()
        .map((r) => `${r.detail}  <-  ${s.replace(/\s+/g, " ").slice(0, 80)}`),
    );
    // `VIRTUAL TABLE INDEX 0:` with nothing after the colon is FTS5 reading every row.
    expect(plans.filter((p) => /SCAN threads_fts VIRTUAL TABLE INDEX \d+:\s/.test(p))).toEqual([]);
    expect(plans.filter((p) => /^SCAN (threads|t)\b(?!_fts)/.test(p))).toEqual([]);
  });

  test("a write only marks its thread pending; the index follows before a search", async () => {
    const { db, store, ids } = setup();
    const t = sampleThread({ title: "pending marks" });
    await store.put(ada, t, undefined);
    await store.put(ada, { ...t, title: "pending twice" }, 1);
    expect(pendingCount(db)).toBe(1); // one mark per thread, the newest
    expect(await ids("twice")).toEqual([t.id]);
    expect(pendingCount(db)).toBe(0);
    expect(await ids("marks")).toEqual([]);
  });

  test("the indexer is told of each write that changed indexed text, and of nothing else", async () => {
    const db = openDb(":memory:");
    let hints = 0;
    const store = createThreadStore(db, createDbWriter(db.$client), {
      notify: () => hints++,
      catchUp: async () => {},
    });
    const t = sampleThread();
    expect((await store.put(ada, t, undefined)).kind).toBe("created");
    expect(hints).toBe(1);
    expect((await store.put(ada, t, 7)).kind).toBe("conflict");
    expect((await store.put(ada, t, undefined)).kind).toBe("precondition_required");
    expect((await store.put({ userId: "bob", via: "token" }, t, 1)).kind).toBe("forbidden");
    expect(hints).toBe(1);
    expect((await store.put(ada, t, 1)).kind).toBe("updated");
    expect(hints).toBe(2);
    await store.setVisibility(t.id, "private");
    await store.softDelete("T-00000000-0000-7000-8000-000000000000", new Date());
    expect(hints).toBe(2);
    await store.softDelete(t.id, new Date());
    expect(hints).toBe(3);
    expect(pendingCount(db)).toBe(1);
    // A row from before `fts_rowid` existed was never indexed: deleting it marks nothing.
    const old = sampleThread();
    await store.put(ada, old, undefined);
    db.$client.run("DELETE FROM threads_fts_pending");
    db.$client.run("UPDATE threads SET fts_rowid = NULL WHERE id = ?", [old.id]);
    await store.softDelete(old.id, new Date());
    expect(hints).toBe(4);
    expect(pendingCount(db)).toBe(0);
    expect(store.get(old.id)?.deletedAt).toBeString();
  });

  test("search follows creates, updates, deletes and revivals", async () => {
    const { store, ids } = setup();
    const a = sampleThread({ title: "alpha parser" });
    const b = sampleThread({ title: "alpha lexer" });
    await store.put(ada, a, undefined);
    await store.put(ada, b, undefined);
    expect((await ids("alpha")).sort()).toEqual([a.id, b.id].sort());
    await store.put(ada, { ...a, title: "gamma parser" }, 1);
    expect(await ids("alpha")).toEqual([b.id]);
    expect(await ids("gamma")).toEqual([a.id]);
    await store.softDelete(b.id, new Date());
    expect(await ids("alpha")).toEqual([]);
    expect(await ids("lexer")).toEqual([]);
    await store.put(ada, b, undefined);
    expect(await ids("lexer")).toEqual([b.id]);
    // Deleting twice and writing again leaves exactly one index entry.
    await store.softDelete(b.id, new Date());
    await store.softDelete(b.id, new Date());
    await store.put(ada, { ...b, title: "delta" }, undefined);
    expect(await ids("delta")).toEqual([b.id]);
    expect(await ids("lexer")).toEqual([]);
    expect(await ids("gamma")).toEqual([a.id]);
  });

  test("migrating a database indexed by an old layout rebuilds the index from the stored threads", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "loom-fts-")), "server.db");
    const older = join(mkdtempSync(join(tmpdir(), "loom-mig-")), "m");
    mkdirSync(older);
    const before = listMigrations().filter((f) => f < "003");
    for (const f of before) copyFileSync(join(MIGRATIONS_DIR, f), join(older, f));
    const raw = new Database(path, { create: true, strict: true });
    expect(migrate(raw, older)).toEqual(before);
    const insert = raw.prepare(
      "INSERT INTO threads (id, owner_id, version, workspace, title, visibility, created_at, updated_at, deleted_at, body) VALUES (?, 'ada', 1, '/w', ?, 'team', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', ?, ?)",
    );
    const fts = raw.prepare("INSERT INTO threads_fts (id, title, messages, git) VALUES (?, ?, ?, '')");
    const live = sampleThread({
      title: "kept",
      version: 1,
      messages: [{ role: "user", content: "tokenizer loops" }],
    });
    const gone = sampleThread({ title: "gone", version: 1 });
    insert.run(live.id, "kept", null, JSON.stringify(live));
    fts.run(live.id, "kept", "tokenizer loops");
    insert.run(gone.id, "gone", "2026-01-02T00:00:00.000Z", JSON.stringify(gone));
    raw.close();

    const db = openDb(path);
    const store = createThreadStore(db, createDbWriter(db.$client));
    const ids = async (q: string) => (await store.search(ada, q, 10)).map((r) => r.id);
    expect(await ids("tokenizer")).toEqual([live.id]);
    expect(await ids("kept")).toEqual([live.id]);
    expect(await ids("gone")).toEqual([]);
    // An update replaces the rebuilt entry instead of adding a second one.
    await store.put(ada, { ...live, title: "renamed", messages: [] }, 1);
    expect(await ids("tokenizer")).toEqual([]);
    expect(await ids("renamed")).toEqual([live.id]);
    const gonePut = await store.put(ada, { ...gone, title: "back" }, undefined);
    expect(gonePut.kind).toBe("updated");
    expect(await ids("back")).toEqual([gone.id]);
    closeSearchConnection(db.$client);
    db.$client.close();
  });
});
