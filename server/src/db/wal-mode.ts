/**
 * Switching a database file to WAL. `PRAGMA journal_mode = WAL` on a new (or rollback-mode) file
 * reads page 1 under a shared lock, then upgrades to the write lock to rewrite it; SQLite never runs
 * the busy handler for that upgrade (waiting while holding the shared lock could deadlock), so when
 * another process holds the write lock at that moment — the other servers or `loom admin` opening
 * the same new file — the pragma fails with SQLITE_BUSY at once, whatever `busy_timeout` says. The
 * failed statement drops its shared lock, so retrying is safe; this retries for as long as the
 * connection's busy timeout would have waited.
 */
import type { Database } from "bun:sqlite";

const RETRY_MS = 5;

/**
 * `PRAGMA [schema.]journal_mode = WAL`, retried on SQLITE_BUSY until the busy timeout has passed;
 * `pause` runs between attempts (tests release a lock there).
 */
export function switchToWal(sqlite: Database, schema = "main", pause = () => Bun.sleepSync(RETRY_MS)): void {
  const timeout = sqlite.query<{ timeout: number }, []>("PRAGMA busy_timeout").get()?.timeout ?? 0;
  const deadline = performance.now() + timeout;
  for (;;) {
    try {
      sqlite.run(`PRAGMA ${schema}.journal_mode = WAL`);
      return;
    } catch (e) {
      if (!isBusy(e) || performance.now() >= deadline) throw e;
      pause();
    }
  }
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}
