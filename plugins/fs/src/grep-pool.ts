/**
 * A small, lazily started pool of grep workers shared by all calls. Jobs queue globally; each worker
 * holds one job at a time. Workers are unref'd while idle, so they never keep the process alive.
 * If workers cannot start (a bundle without the worker entry, say) or one dies before finishing any
 * job, the pool is marked broken and every job runs on the calling thread instead: slower, same result.
 */
import { searchFiles } from "./grep-search.ts";
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
const proven = new WeakSet<PoolWorker>();
let started = false;
let broken = false;
let nextId = 1;

function start(): void {
  started = true;
  for (let i = 0; i < POOL_SIZE && !broken; i++) spawnWorker();
}

function spawnWorker(): void {
  let w: PoolWorker;
  try {
    w = new Worker(new URL("./grep-worker.ts", import.meta.url)) as PoolWorker;
  } catch {
    broken = true;
    return;
  }
  w.unref();
  w.onmessage = (ev: MessageEvent<GrepJobResult>) => finish(w, ev.data);
  w.onerror = (ev) => {
    ev.preventDefault();
    const p = busy.get(w);
    busy.delete(w);
    const i = idle.indexOf(w);
    if (i >= 0) idle.splice(i, 1);
    w.terminate();
    if (proven.has(w)) spawnWorker();
    else broken = true;
    if (p) runInline(p);
    pump();
  };
  idle.push(w);
}

function finish(w: PoolWorker, result: GrepJobResult): void {
  proven.add(w);
  const p = busy.get(w);
  busy.delete(w);
  w.unref();
  idle.push(w);
  p?.resolve(result);
  pump();
}

function runInline(p: Pending): void {
  try {
    p.resolve({ id: p.job.id, hits: searchFiles(p.job.files, p.job.spec, p.job.limit) });
  } catch (e) {
    p.resolve({ id: p.job.id, error: e instanceof Error ? e.message : String(e) });
  }
}

function pump(): void {
  if (broken && busy.size === 0) {
    // Yield between inline batches so the walk and other work keep moving.
    const p = queue.shift();
    if (p) {
      setImmediate(() => {
        runInline(p);
        pump();
      });
    }
    return;
  }
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

/** Test hook: behave as if workers could not start. */
export function breakPoolForTests(): void {
  broken = true;
}
