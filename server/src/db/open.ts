/** Opens the server database: bun:sqlite in WAL mode, migrations applied, wrapped by drizzle. */
import { Database } from "bun:sqlite";
import { type BunSQLiteDatabase, drizzle } from "drizzle-orm/bun-sqlite";
import { migrate } from "./migrate.ts";
import { preparePrivateDbFile } from "./private-file.ts";
import * as schema from "./schema.ts";

export type Db = BunSQLiteDatabase<typeof schema> & { $client: Database };

/** `":memory:"` gives a private in-memory database (tests). */
export function openDb(path: string): Db {
  if (path !== ":memory:") preparePrivateDbFile(path);
  const sqlite = new Database(path, { create: true, strict: true });
  // First, so every statement after it (the journal-mode switch included) waits for another
  // process's lock (a running server, `loom admin`) instead of failing with SQLITE_BUSY.
  sqlite.run("PRAGMA busy_timeout = 5000");
  sqlite.run("PRAGMA journal_mode = WAL");
  sqlite.run("PRAGMA synchronous = NORMAL");
  sqlite.run("PRAGMA foreign_keys = ON");
  migrate(sqlite);
  return drizzle({ client: sqlite, schema }) as Db;
}
