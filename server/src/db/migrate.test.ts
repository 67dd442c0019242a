import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeSearchConnection, searchConnection } from "../threads/fts-index.ts";
import { BUNDLED_MIGRATIONS } from "./bundled-migrations.ts";
import { listMigrations, MIGRATIONS_DIR, migrate } from "./migrate.ts";
import { openDb } from "./open.ts";

describe("migrations", () => {
  test("files are NNN_description.sql, numbered without gaps; drizzle's journal names existing files", async () => {
    const files = listMigrations();
    expect(files).toEqual(
      readdirSync(MIGRATIONS_DIR)
        .filter((f) => f.endsWith(".sql"))
        .sort(),
    );
    expect(files.map((f) => f.slice(0, 3))).toEqual(files.map((_, i) => String(i).padStart(3, "0")));
    const journal = (await Bun.file(join(MIGRATIONS_DIR, "meta/_journal.json")).json()) as {
      entries: { tag: string }[];
    };
    for (const e of journal.entries) expect(files).toContain(`${e.tag}.sql`);
  });

  test("the bundled migrations are exactly the files in server/migrations", async () => {
    const files = listMigrations();
    expect(Object.keys(BUNDLED_MIGRATIONS).sort()).toEqual(files);
    for (const f of files)
      expect([f, BUNDLED_MIGRATIONS[f]]).toEqual([f, await Bun.file(join(MIGRATIONS_DIR, f)).text()]);
  });

  test("apply in order, once; a database from an older release gets only the new ones", () => {
    const db = new Database(":memory:");
    const dir = mkdtempSync(join(tmpdir(), "loom-mig-"));
    const all = listMigrations();
    // An "older release": only the first two migrations exist.
    for (const f of all.slice(0, 2)) Bun.spawnSync(["cp", join(MIGRATIONS_DIR, f), dir]);
    expect(migrate(db, dir)).toEqual(all.slice(0, 2));
    expect(migrate(db)).toEqual(all.slice(2));
    expect(migrate(db)).toEqual([]);
    const cols = db
      .query<{ name: string }, []>("PRAGMA table_info(tokens)")
      .all()
      .map((c) => c.name);
    expect(cols).toContain("rate_limit_per_minute");
  });

  test("processes opening one new database at once each see it fully migrated", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "loom-race-")), "server.db");
    // Each process loads the code, says "ready", and opens the database once every one is ready.
    const script = `import { openDb } from ${JSON.stringify(join(import.meta.dir, "open.ts"))};
process.stdout.write("ready\\n");
for await (const _ of Bun.stdin.stream()) break;
const db = openDb(${JSON.stringify(path)});
console.log(db.$client.query("SELECT count(*) AS n FROM _migrations").get().n);`;
    const procs = Array.from({ length: 4 }, () =>
      Bun.spawn(["bun", "-e", script], { stdin: "pipe", stdout: "pipe", stderr: "pipe" }),
    );
    const readers = procs.map((p) => lines(p.stdout));
    await Promise.all(readers.map((r) => r.next()));
    for (const p of procs) {
      p.stdin.write("go\n");
      await p.stdin.end();
    }
    const outs = await Promise.all(
      procs.map(async (p, i) => {
        const [code, rest, err] = await Promise.all([
          p.exited,
          readers[i]?.rest(),
          new Response(p.stderr).text(),
        ]);
        return { code, out: rest?.trim(), ...(code === 0 ? {} : { stderr: err.trim() }) };
      }),
    );
    expect(outs).toEqual(procs.map(() => ({ code: 0, out: String(listMigrations().length) })));
  });

  test("a file database opens in WAL mode, its FTS5 index in its own file", () => {
    const path = join(mkdtempSync(join(tmpdir(), "loom-db-")), "nested", "server.db");
    const db = openDb(path);
    expect(db.$client.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()?.journal_mode).toBe(
      "wal",
    );
    const conn = searchConnection(db.$client);
    const fts = conn
      .query<{ sql: string }, []>("SELECT sql FROM search.sqlite_master WHERE name = 'threads_fts'")
      .get();
    expect(fts?.sql).toContain("fts5");
    expect(conn.query<{ journal_mode: string }, []>("PRAGMA search.journal_mode").get()?.journal_mode).toBe(
      "wal",
    );
    expect(statSync(`${path}-search`).mode & 0o777).toBe(0o600);
    closeSearchConnection(db.$client);
    db.$client.close();
  });
});

/** A child's stdout read line by line: `next()` the next line, `rest()` everything after it. */
function lines(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const dec = new TextDecoder();
  let buf = "";
  return {
    async next(): Promise<string> {
      while (!buf.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) return buf;
        buf += dec.decode(value);
      }
      const i = buf.indexOf("\n");
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      return line;
    },
    async rest(): Promise<string> {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return buf;
        buf += dec.decode(value);
      }
    },
  };
}
