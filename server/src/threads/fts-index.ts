/**
 * The thread search index, kept off the request path. It lives in its own database file
 * (`<server.db>-search`, attached as schema `search`) so that writing it never takes the server
 * database's write lock: a thread write only records its `fts_rowid` in `threads_fts_pending` (same
 * transaction as the thread), and an indexer — the maintenance worker, or the server's own thread when
 * there is no worker — tokenises pending threads in batches and deletes their pending rows.
 *
 * The index is derived data: `threads_indexed` (in the index file) says which thread version each
 * rowid's index rows hold, so indexing a row twice (a crash between the two commits) is a no-op, and
 * an index file created empty (a new server, an upgrade, a deleted file) marks every live thread
 * pending and is rebuilt from `threads.body`.
 */
import { Database } from "bun:sqlite";
import type { Thread } from "@loom/runtime/thread";
import { preparePrivateDbFile } from "../db/private-file.ts";
import { switchToWal } from "../db/wal-mode.ts";
import { ftsDocument } from "./fts.ts";

/** The index file beside a server database (`:memory:` stays in memory). */
export function searchIndexPath(dbPath: string): string {
  return dbPath === ":memory:" || dbPath === "" ? ":memory:" : `${dbPath}-search`;
}

/**
 * Attaches the index file to `sqlite` as `search` and creates its tables when absent; a new index
 * marks every live thread pending. Blocks on the connection's busy timeout (start-up only).
 */
export function attachSearchIndex(sqlite: Database, dbPath: string): void {
  const file = searchIndexPath(dbPath);
  if (file !== ":memory:") preparePrivateDbFile(file);
  sqlite.run("ATTACH DATABASE ? AS search", [file]);
  if (file !== ":memory:") {
    switchToWal(sqlite, "search");
    sqlite.run("PRAGMA search.synchronous = NORMAL");
  }
  sqlite
    .transaction(() => {
      const exists = sqlite
        .query<{ n: number }, []>(
          "SELECT count(*) AS n FROM search.sqlite_master WHERE name IN ('threads_fts', 'threads_indexed')",
        )
        .get();
      if (exists?.n === 2) return;
      sqlite.run("DROP TABLE IF EXISTS search.threads_fts");
      sqlite.run("DROP TABLE IF EXISTS search.threads_indexed");
      sqlite.run(
        `CREATE VIRTUAL TABLE search.threads_fts USING fts5(title, messages, git, content = '',
           contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2')`,
      );
      sqlite.run(
        "CREATE TABLE search.threads_indexed (fts_rowid INTEGER PRIMARY KEY, version INTEGER NOT NULL)",
      );
      sqlite.run(
        `INSERT OR IGNORE INTO main.threads_fts_pending (fts_rowid)
           SELECT fts_rowid FROM main.threads WHERE deleted_at IS NULL AND fts_rowid IS NOT NULL
            ORDER BY updated_at DESC`,
      );
    })
    .immediate();
}

const searchConnections = new WeakMap<Database, Database>();

/**
 * The connection searches (and the in-process indexer) use: for a file database a second connection
 * with the index attached, so the server connection's `BEGIN IMMEDIATE` (which locks every attached
 * database) never takes the index's lock; for `:memory:` the connection itself. One per connection.
 */
export function searchConnection(sqlite: Database): Database {
  const known = searchConnections.get(sqlite);
  if (known) return known;
  const path = sqlite.filename;
  let conn = sqlite;
  if (path === ":memory:" || path === "") {
    attachSearchIndex(sqlite, ":memory:");
  } else {
    conn = new Database(path, { readwrite: true, create: false, strict: true });
    conn.run("PRAGMA busy_timeout = 5000");
    attachSearchIndex(conn, path);
  }
  searchConnections.set(sqlite, conn);
  return conn;
}

/** Closes the search connection `searchConnection(sqlite)` opened, if any. */
export function closeSearchConnection(sqlite: Database): void {
  const conn = searchConnections.get(sqlite);
  searchConnections.delete(sqlite);
  if (conn && conn !== sqlite) conn.close();
}

/** A stored body is validated on the way in; one that is not a thread anyway indexes as empty. */
function documentOf(body: string): ReturnType<typeof ftsDocument> {
  try {
    const t = JSON.parse(body) as Thread;
    return ftsDocument({ ...t, messages: Array.isArray(t.messages) ? t.messages : [] });
  } catch {
    return { title: "", messages: "", git: "" };
  }
}

interface PendingRow {
  seq: number;
  ftsRowid: number;
  body: string | null;
  version: number | null;
  deletedAt: string | null;
}

export interface FtsIndexer {
  /**
   * Indexes up to `limit` pending marks newer than `afterSeq`, oldest first; returns their `seq`s
   * (ascending; empty when none). The marks stay until `forget`.
   */
  indexBatch(limit: number, afterSeq?: number): number[];
  /** Deletes indexed marks (a short write transaction on the server database). */
  forget(seqs: number[]): void;
}

/** Indexes and forgets everything pending, on this thread. */
export function indexAll(indexer: FtsIndexer, batch = 64): void {
  for (let seqs = indexer.indexBatch(batch); seqs.length > 0; seqs = indexer.indexBatch(batch))
    indexer.forget(seqs);
}

/**
 * Indexing over a connection with the index attached (`searchConnection`, or the worker's own). A
 * batch is one transaction on the index file (deferred: it takes only that file's lock). Its marks are
 * deleted apart (`forget`): the worker leaves that to the server's thread, so the worker never holds the
 * server database's write lock; a thread written again meanwhile has a newer mark and is indexed again.
 */
export function createFtsIndexer(conn: Database): FtsIndexer {
  const pending = conn.prepare<PendingRow, [number, number]>(
    `SELECT p.seq, p.fts_rowid AS ftsRowid, t.body, t.version, t.deleted_at AS deletedAt
       FROM main.threads_fts_pending p LEFT JOIN main.threads t ON t.fts_rowid = p.fts_rowid
      WHERE p.seq > ? ORDER BY p.seq LIMIT ?`,
  );
  const indexedVersion = conn.prepare<{ version: number }, [number]>(
    "SELECT version FROM search.threads_indexed WHERE fts_rowid = ?",
  );
  const ftsDelete = conn.prepare<unknown, [number]>("DELETE FROM search.threads_fts WHERE rowid = ?");
  const ftsInsert = conn.prepare<unknown, [number, string, string, string]>(
    "INSERT INTO search.threads_fts (rowid, title, messages, git) VALUES (?, ?, ?, ?)",
  );
  const setIndexed = conn.prepare<unknown, [number, number]>(
    "INSERT OR REPLACE INTO search.threads_indexed (fts_rowid, version) VALUES (?, ?)",
  );
  const clearIndexed = conn.prepare<unknown, [number]>(
    "DELETE FROM search.threads_indexed WHERE fts_rowid = ?",
  );
  const done = conn.prepare<unknown, [number]>("DELETE FROM main.threads_fts_pending WHERE seq = ?");

  const indexRows = conn.transaction((rows: PendingRow[]) => {
    for (const r of rows) {
      const live = r.body !== null && r.deletedAt === null && r.version !== null;
      const had = indexedVersion.get(r.ftsRowid)?.version;
      if (live && had === r.version) continue; // indexed already (a batch replayed after a crash)
      if (had !== undefined) {
        ftsDelete.run(r.ftsRowid);
        clearIndexed.run(r.ftsRowid);
      }
      if (!live || r.body === null || r.version === null) continue;
      const doc = documentOf(r.body);
      ftsInsert.run(r.ftsRowid, doc.title, doc.messages, doc.git);
      setIndexed.run(r.ftsRowid, r.version);
    }
  });
  const forget = conn.transaction((seqs: number[]) => {
    for (const seq of seqs) done.run(seq);
  });

  return {
    indexBatch(limit, afterSeq = 0) {
      const rows = pending.all(afterSeq, limit);
      if (rows.length > 0) indexRows(rows);
      return rows.map((r) => r.seq);
    },
    forget(seqs) {
      if (seqs.length > 0) forget(seqs);
    },
  };
}
