/**
 * Write transactions for the server: `BEGIN IMMEDIATE` (so a transaction never has to upgrade from
 * read to write, which fails at once with SQLITE_BUSY whatever the busy timeout), and waiting for
 * another process's write lock (`loom admin`, a backup) without blocking the event loop.
 *
 * bun:sqlite is synchronous, so SQLite's own busy handler would sleep on the event loop and freeze
 * every request. The writer's attempts run with it off (`busy_timeout = 0` around each one; the
 * connection's own value is restored after, for anything else using the connection, such as tests),
 * and it retries the transaction between timers (1 ms doubling to 8 ms) until `timeoutMs` has passed, then throws `DbBusyError`
 * (the HTTP layer answers 503 with `retry-after`). Reads in WAL mode never wait for a writer.
 * @example
 * const writer = createDbWriter(db.$client, { timeoutMs: 5000 });
 * await writer.run(() => db.insert(threads).values(row).run());
 */
import type { Database } from "bun:sqlite";

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** The write lock stayed taken for the whole busy timeout. */
export class DbBusyError extends Error {
  readonly retryAfterSeconds = 1;
  constructor(readonly waitedMs: number) {
    super(`database is busy (another process held the write lock for ${Math.round(waitedMs)} ms)`);
    this.name = "DbBusyError";
  }
}

export interface DbWriterOptions {
  /** How long a write waits for the lock in total (default 5000 ms). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called each time an attempt finds the lock taken (tests wait on it). */
  onBusy?: () => void;
}

export type TryResult<T> = { ok: true; value: T } | { ok: false };

/** SQLITE_BUSY and its extended codes (`SQLITE_BUSY_SNAPSHOT`, …). */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

export function createDbWriter(sqlite: Database, o: DbWriterOptions = {}) {
  const timeoutMs = o.timeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? (() => performance.now());
  const connectionTimeout = sqlite.query<{ timeout: number }, []>("PRAGMA busy_timeout").get()?.timeout ?? 0;

  /** One attempt, never waiting: `{ ok: false }` when another connection holds the write lock. */
  const tryRun = <T>(fn: () => T): TryResult<T> => {
    sqlite.run("PRAGMA busy_timeout = 0");
    try {
      return { ok: true, value: sqlite.transaction(fn).immediate() };
    } catch (e) {
      if (!isBusy(e)) throw e;
      o.onBusy?.();
      return { ok: false };
    } finally {
      sqlite.run(`PRAGMA busy_timeout = ${connectionTimeout}`);
    }
  };

  return {
    timeoutMs,
    tryRun,
    /**
     * Runs `fn` in one IMMEDIATE transaction, retrying while the lock is taken for up to `timeoutMs`.
     * `fn` is synchronous and may run more than once (each failed attempt is rolled back).
     */
    async run<T>(fn: () => T): Promise<T> {
      const start = now();
      for (let delay = 1; ; delay = Math.min(delay * 2, 8)) {
        const r = tryRun(fn);
        if (r.ok) return r.value;
        const waited = now() - start;
        if (waited >= timeoutMs) throw new DbBusyError(waited);
        await sleep(Math.min(delay, timeoutMs - waited));
      }
    },
  };
}

export type DbWriter = ReturnType<typeof createDbWriter>;
