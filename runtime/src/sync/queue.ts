/**
 * The persisted sync queue: one JSON file per thread id under the queue directory, written
 * atomically, so a kill at any moment leaves the previous entry or the new one. Beside the entries,
 * `acked/<id>.json` remembers the last server version of each thread (the next `If-Match`).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
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

  return {
    dir,
    get(id: string): QueueEntry | undefined {
      return readJson<QueueEntry>(file(id));
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
