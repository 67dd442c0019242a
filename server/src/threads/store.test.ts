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
  const sql = recordSql(db.$client);
  const store = createThreadStore(db, createDbWriter(db.$client));
  const ids = (q: string) => store.search(ada, q, 10).map((r) => r.id);
  return { db, sql, store, ids };
}

describe("thread store: full-text index keyed by rowid", () => {
  test("no statement of the write path scans threads_fts or threads in full", async () => {
    const { db, sql, store } = setup();
    const t = sampleThread();
    await store.put(ada, t, undefined); // create
    await store.put(ada, { ...t, title: "renamed" }, 1); // update
    await store.setVisibility(t.id, "private");
    await store.softDelete(t.id, new Date());
    await store.put(ada, t, undefined); // revive
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
    expect(plans.filter((p) => /^SCAN threads\b(?!_fts)/.test(p))).toEqual([]);
  });

  test("search follows creates, updates, deletes and revivals", async () => {
    const { store, ids } = setup();
    const a = sampleThread({ title: "alpha parser" });
    const b = sampleThread({ title: "alpha lexer" });
    await store.put(ada, a, undefined);
    await store.put(ada, b, undefined);
    expect(ids("alpha").sort()).toEqual([a.id, b.id].sort());
    await store.put(ada, { ...a, title: "gamma parser" }, 1);
    expect(ids("alpha")).toEqual([b.id]);
    expect(ids("gamma")).toEqual([a.id]);
    await store.softDelete(b.id, new Date());
    expect(ids("alpha")).toEqual([]);
    expect(ids("lexer")).toEqual([]);
    await store.put(ada, b, undefined);
    expect(ids("lexer")).toEqual([b.id]);
    // Deleting twice and writing again leaves exactly one index entry.
    await store.softDelete(b.id, new Date());
    await store.softDelete(b.id, new Date());
    await store.put(ada, { ...b, title: "delta" }, undefined);
    expect(ids("delta")).toEqual([b.id]);
    expect(ids("lexer")).toEqual([]);
    expect(ids("gamma")).toEqual([a.id]);
  });

  test("migrating a database indexed by the old layout keeps its search results", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "loom-fts-")), "server.db");
    const older = join(mkdtempSync(join(tmpdir(), "loom-mig-")), "m");
    mkdirSync(older);
    const before = listMigrations().filter((f) => f < "003");
    for (const f of before) copyFileSync(join(MIGRATIONS_DIR, f), join(older, f));
    const raw = new Database(path, { create: true, strict: true });
    expect(migrate(raw, older)).toEqual(before);
    const insert = raw.prepare(
      "INSERT INTO threads (id, owner_id, version, workspace, title, visibility, created_at, updated_at, deleted_at, body) VALUES (?, 'ada', 1, '/w', ?, 'team', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', ?, '{}')",
    );
    const fts = raw.prepare("INSERT INTO threads_fts (id, title, messages, git) VALUES (?, ?, ?, '')");
    const live = sampleThread();
    const gone = sampleThread();
    insert.run(live.id, "kept", null);
    fts.run(live.id, "kept", "tokenizer loops");
    insert.run(gone.id, "gone", "2026-01-02T00:00:00.000Z");
    raw.close();

    const db = openDb(path);
    const store = createThreadStore(db, createDbWriter(db.$client));
    expect(store.search(ada, "tokenizer", 10).map((r) => r.id)).toEqual([live.id]);
    expect(store.search(ada, "kept", 10).map((r) => r.id)).toEqual([live.id]);
    // Keyed by fts_rowid now: an update replaces the migrated entry instead of adding a second one.
    await store.put(ada, { ...live, title: "renamed", messages: [] }, 1);
    expect(store.search(ada, "tokenizer", 10)).toEqual([]);
    expect(store.search(ada, "renamed", 10).map((r) => r.id)).toEqual([live.id]);
    const gonePut = await store.put(ada, { ...gone, title: "back" }, undefined);
    expect(gonePut.kind).toBe("updated");
    expect(store.search(ada, "back", 10).map((r) => r.id)).toEqual([gone.id]);
    db.$client.close();
  });
});
