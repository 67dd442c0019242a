/**
 * A small migration runner: applies `migrations/NNN_description.sql` in order, each in its own
 * transaction, and records it in `_migrations`. drizzle-kit writes the files; FTS5 ones are by hand.
 */
import type { Database } from "bun:sqlite";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { BUNDLED_MIGRATIONS } from "./bundled-migrations.ts";

export const MIGRATIONS_DIR = join(import.meta.dir, "../../migrations");

const FILE = /^(\d{3})_[a-z0-9_]+\.sql$/;

export function listMigrations(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => FILE.test(f))
    .sort();
}

/** Applies the pending migrations (the bundled ones, or those in `dir`); returns the names it applied. */
export function migrate(db: Database, dir?: string): string[] {
  const names = dir ? listMigrations(dir) : Object.keys(BUNDLED_MIGRATIONS).sort();
  const text = (name: string) =>
    dir ? readFileSync(join(dir, name), "utf8") : (BUNDLED_MIGRATIONS[name] ?? "");
  db.run("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)");
  const done = new Set(
    db
      .query<{ name: string }, []>("SELECT name FROM _migrations")
      .all()
      .map((r) => r.name),
  );
  const applied: string[] = [];
  const isDone = db.query<{ n: number }, [string]>("SELECT count(*) AS n FROM _migrations WHERE name = ?");
  for (const name of names) {
    if (done.has(name)) continue;
    const sql = text(name);
    // IMMEDIATE takes the write lock first; the re-check inside covers another process (a second
    // server, `loom admin`) that applied the same migration between our read and our lock.
    const ran = db
      .transaction((): boolean => {
        if ((isDone.get(name)?.n ?? 0) > 0) return false;
        for (const stmt of sql.split("--> statement-breakpoint")) {
          if (stmt.trim()) db.run(stmt);
        }
        db.run("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", [name, new Date().toISOString()]);
        return true;
      })
      .immediate();
    if (ran) applied.push(name);
  }
  return applied;
}
