/** Opens the server database: bun:sqlite in WAL mode, migrations applied, wrapped by drizzle. */
import { Database } from "bun:sqlite";
import { type BunSQLiteDatabase, drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "./migrate.ts";
import { preparePrivateDbFile } from "./private-file.ts";
import * as schema from "./schema.ts";
import { switchToWal } from "./wal-mode.ts";

export type Db = BunSQLiteDatabase<typeof schema> & { $client: Database };

/** `":memory:"` gives a private in-memory database (tests). */
export function openDb(path: string): Db {
  if (path !== ":memory:") preparePrivateDbFile(path);
  const sqlite = new Database(path, { create: true, strict: true });
  // First, so every statement after it waits for another process's lock (a running server,
  // `loom admin`) instead of failing with SQLITE_BUSY; the WAL switch retries for as long (wal-mode.ts).
  sqlite.run("PRAGMA busy_timeout = 5000");
  switchToWal(sqlite);
  sqlite.run("PRAGMA synchronous = NORMAL");
  sqlite.run("PRAGMA foreign_keys = ON");
  migrate(sqlite);
  return drizzle({ client: sqlite, schema }) as Db;
}
