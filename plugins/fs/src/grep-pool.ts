/**
 * A small, lazily started pool of grep workers shared by all calls. Jobs queue globally; each worker
 * holds one job at a time. Workers are unref'd while idle, so they never keep the process alive.
 */
import type { GrepJob, GrepJobResult } from "./grep-worker.ts";

export const POOL_SIZE = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));

/** Bun's Worker has ref/unref; the DOM lib's type does not. */
type PoolWorker = Worker & { ref(): void; unref(): void };

interface Pending {
  job: GrepJob;
  owner: object;
  resolve(r: GrepJobResult): void;
}

const queue: Pending[] = [];
const idle: PoolWorker[] = [];
const busy = new Map<PoolWorker, Pending>();
let started = false;
let nextId = 1;

function start(): void {
  started = true;
  for (let i = 0; i < POOL_SIZE; i++) spawnWorker();
}

function spawnWorker(): void {
  const w = new Worker(new URL("./grep-worker.ts", import.meta.url)) as PoolWorker;
  w.unref();
  w.onmessage = (ev: MessageEvent<GrepJobResult>) => finish(w, ev.data);
  w.onerror = (ev) => {
    // A crashed worker is replaced; its job fails with a clear message.
    const p = busy.get(w);
    busy.delete(w);
    w.terminate();
    spawnWorker();
    p?.resolve({ id: p.job.id, error: `grep worker failed: ${ev.message}` });
  };
  idle.push(w);
  pump();
}

function finish(w: PoolWorker, result: GrepJobResult): void {
  const p = busy.get(w);
  busy.delete(w);
  w.unref();
  idle.push(w);
  p?.resolve(result);
  pump();
}

function pump(): void {
  while (idle.length > 0 && queue.length > 0) {
    const w = idle.pop()!;
    const p = queue.shift()!;
    busy.set(w, p);
    w.ref();
    w.postMessage(p.job);
  }
}

/** Runs one batch on the pool; `owner` groups the batches of one search for `dropQueued`. */
export function runGrepJob(job: Omit<GrepJob, "id">, owner: object): Promise<GrepJobResult> {
  if (!started) start();
  return new Promise((resolve) => {
    queue.push({ job: { ...job, id: nextId++ }, owner, resolve });
    pump();
  });
}

/** Resolves the owner's batches that have not started yet as skipped (queue order is FIFO, so the
 * batches that did run are a prefix of the owner's batches). */
export function dropQueued(owner: object): void {
  for (let i = queue.length - 1; i >= 0; i--) {
    const p = queue[i]!;
    if (p.owner !== owner) continue;
    queue.splice(i, 1);
    p.resolve({ id: p.job.id, skipped: true });
  }
}
