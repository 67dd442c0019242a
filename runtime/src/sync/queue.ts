/**
 * The persisted sync queue: one JSON file per thread id under the queue directory, written
 * atomically, so a kill at any moment leaves the previous entry or the new one. Beside the entries,
 * `acked/<id>.json` remembers the last server version of each thread (the next `If-Match`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Thread } from "../thread.ts";
import { writeFileAtomic } from "../threads/atomic-write.ts";

export interface QueueEntry {
  thread: Thread;
  /** Server version this copy is based on; absent for a thread the server has never acknowledged. */
  baseVersion?: number;
  attempts: number;
  /** Epoch ms before which automatic retries leave the entry alone. */
  nextAttemptAt: number;
  lastError?: string;
}

const SAFE_ID = /^T-[0-9a-f-]{36}$/;

/** What a queue file must hold to be delivered; anything else was edited, truncated or is foreign. */
function isEntry(v: unknown, id: string): v is QueueEntry {
  const e = v as Partial<QueueEntry> | null;
  return (
    typeof e === "object" &&
    e !== null &&
    typeof e.thread === "object" &&
    e.thread !== null &&
    e.thread.id === id &&
    Array.isArray(e.thread.messages) &&
    typeof e.attempts === "number" &&
    typeof e.nextAttemptAt === "number"
  );
}

export function createSyncQueue(dir: string) {
  const ackedDir = join(dir, "acked");
  mkdirSync(ackedDir, { recursive: true, mode: 0o700 });
  const file = (id: string) => {
    if (!SAFE_ID.test(id)) throw new Error(`not a thread id: ${id}`);
    return join(dir, `${id}.json`);
  };
  const readJson = <T>(path: string): T | undefined => {
    try {
      return JSON.parse(readFileSync(path, "utf8")) as T;
    } catch {
      return undefined;
    }
  };

  /**
   * Moves an unreadable entry aside to `corrupt/` (kept for a human, never deleted) so that it neither
   * breaks a drain nor sits in the queue forever.
   */
  const quarantine = (id: string) => {
    const corruptDir = join(dir, "corrupt");
    mkdirSync(corruptDir, { recursive: true, mode: 0o700 });
    try {
      renameSync(file(id), join(corruptDir, `${id}.${Date.now()}.json`));
    } catch {
      // already gone (another process took it): nothing to move
    }
  };

  return {
    dir,
    get(id: string): QueueEntry | undefined {
      const path = file(id);
      if (!existsSync(path)) return undefined;
      const v = readJson<unknown>(path);
      if (isEntry(v, id)) return v;
      quarantine(id);
      return undefined;
    },
    put(entry: QueueEntry): void {
      writeFileAtomic(file(entry.thread.id), JSON.stringify(entry));
    },
    remove(id: string): void {
      rmSync(file(id), { force: true });
    },
    /** Ids of queued threads, oldest file name order (ids are time-ordered UUIDv7). */
    ids(): string[] {
      return readdirSync(dir)
        .filter((f) => f.endsWith(".json") && SAFE_ID.test(f.slice(0, -5)))
        .map((f) => f.slice(0, -5))
        .sort();
    },
    ackedVersion(id: string): number | undefined {
      file(id); // validates the id
      const v = readJson<{ version?: unknown }>(join(ackedDir, `${id}.json`));
      return typeof v?.version === "number" ? v.version : undefined;
    },
    setAcked(id: string, version: number): void {
      writeFileAtomic(join(ackedDir, `${id}.json`), JSON.stringify({ version }));
    },
  };
}

export type SyncQueue = ReturnType<typeof createSyncQueue>;
