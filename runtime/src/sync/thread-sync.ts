/**
 * Background sync of local threads to the Loom server. `push` persists the thread in the queue
 * first, then tries to deliver it with `If-Match: <last server version>`; failures stay queued and
 * are retried with exponential backoff, also after a restart (`drain()` on start). A 412 conflict
 * loses nothing: the newer `updatedAt` keeps the id, the older copy becomes a fork with a new id,
 * both are pushed, and `onConflict` reports it so the local store can save what it needs.
 * Private threads are refused here and never leave the machine.
 * @example
 * const sync = createThreadSync({ serverUrl, token, queueDir: join(stateDir(), "sync") });
 * await sync.drain();
 * await sync.push(thread); // after each turn
 */
import { newThreadId, type Thread } from "../thread.ts";
import { createSyncQueue, type QueueEntry } from "./queue.ts";

export interface SyncConflict {
  id: string;
  /** Which copy kept the id. */
  winner: "local" | "server";
  /** The losing copy, saved under `fork.id` and pushed. */
  fork: Thread;
  local: Thread;
  server: Thread;
}

export type PushResult =
  | { status: "synced"; id: string; version: number }
  | { status: "queued"; id: string; error: string }
  | { status: "conflict"; id: string; conflict: SyncConflict }
  | { status: "rejected"; id: string; error: string }
  | { status: "refused"; id: string; reason: string };

export interface ThreadSyncOptions {
  serverUrl: string;
  token: string;
  /** Usually `<stateDir>/sync`. */
  queueDir: string;
  fetch?: typeof fetch;
  clock?: { now(): number };
  /** Ids for forks; default `newThreadId`. */
  newId?: () => string;
  /** Backoff: first delay and cap, in ms. Defaults 1 s and 5 min. */
  backoff?: { baseMs: number; maxMs: number };
  /** Per request: a server that accepts the connection and never answers counts as down. Default 30 s. */
  timeoutMs?: number;
  /** Schedule retries with timers (default true); tests drive `drain()` themselves. */
  autoRetry?: boolean;
  onConflict?: (c: SyncConflict) => void;
  onSynced?: (e: { id: string; version: number }) => void;
  /** A thread the server refused for good (4xx other than 401/403/408/412/428/429); dropped from the queue. */
  onRejected?: (e: { id: string; status: number; error: string }) => void;
}

export interface ThreadSync {
  push(thread: Thread): Promise<PushResult>;
  /** Tries every queued entry now; returns the results. */
  drain(): Promise<PushResult[]>;
  /** Ids still waiting. */
  pending(): string[];
  close(): void;
}

type Delivery =
  | { kind: "ok"; version: number }
  | { kind: "conflict"; status: 412 | 428 }
  | { kind: "retry"; error: string }
  | { kind: "rejected"; status: number; error: string };

const RETRYABLE = new Set([401, 403, 408, 425, 429]);

export function createThreadSync(o: ThreadSyncOptions): ThreadSync {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const rawFetch = o.fetch ?? fetch;
  const doFetch = (input: string, init: RequestInit = {}) =>
    rawFetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const now = () => (o.clock ?? Date).now();
  const newId = o.newId ?? newThreadId;
  const base = o.serverUrl.replace(/\/+$/, "");
  const backoff = o.backoff ?? { baseMs: 1000, maxMs: 300_000 };
  const queue = createSyncQueue(o.queueDir);
  const chains = new Map<string, Promise<unknown>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const headers = (extra?: Record<string, string>) => ({ authorization: `Bearer ${o.token}`, ...extra });
  const url = (id: string) => `${base}/api/threads/${encodeURIComponent(id)}`;

  /** Runs `fn` after any earlier work on the same thread id. */
  const serial = <T>(id: string, fn: () => Promise<T>): Promise<T> => {
    const prev = chains.get(id) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    chains.set(id, next);
    void next.finally(() => {
      if (chains.get(id) === next) chains.delete(id);
    });
    return next;
  };

  const errorText = async (res: Response) => {
    try {
      const b = (await res.json()) as { error?: { message?: string } };
      return `${res.status} ${b.error?.message ?? res.statusText}`;
    } catch {
      return `${res.status} ${res.statusText}`;
    }
  };

  const deliver = async (e: QueueEntry): Promise<Delivery> => {
    const t = e.thread;
    let res: Response;
    try {
      res = t.deletedAt
        ? await doFetch(url(t.id), { method: "DELETE", headers: headers() })
        : await doFetch(url(t.id), {
            method: "PUT",
            headers: headers({
              "content-type": "application/json",
              ...(e.baseVersion === undefined ? {} : { "if-match": String(e.baseVersion) }),
            }),
            body: JSON.stringify(t),
          });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === "TimeoutError";
      return {
        kind: "retry",
        error: timedOut
          ? `server did not answer within ${timeoutMs} ms`
          : `server unreachable: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
    if (t.deletedAt && (res.ok || res.status === 404)) return { kind: "ok", version: e.baseVersion ?? 0 };
    if (res.ok) {
      // A 2xx without our answer (a captive portal, a proxy page) did not store anything: retry.
      const body = (await res.json().catch(() => undefined)) as { version?: unknown } | undefined;
      if (typeof body?.version !== "number")
        return { kind: "retry", error: `${res.status} from the server without a thread version` };
      return { kind: "ok", version: body.version };
    }
    if (res.status === 412 || res.status === 428) return { kind: "conflict", status: res.status };
    const error = await errorText(res);
    if (res.status >= 500 || RETRYABLE.has(res.status)) return { kind: "retry", error };
    return { kind: "rejected", status: res.status, error };
  };

  const fetchServerCopy = async (id: string): Promise<Thread | undefined> => {
    const res = await doFetch(url(id), { headers: headers() });
    if (!res.ok) throw new Error(await errorText(res));
    return (await res.json()) as Thread;
  };

  const schedule = () => {
    if (closed || o.autoRetry === false) return;
    const due = queue
      .ids()
      .map((id) => queue.get(id)?.nextAttemptAt)
      .filter((v): v is number => v !== undefined);
    if (due.length === 0) return;
    const wait = Math.max(0, Math.min(...due) - now());
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void runDue();
    }, wait);
    (timer as { unref?: () => void }).unref?.();
  };

  const requeue = (e: QueueEntry, error: string): PushResult => {
    const attempts = e.attempts + 1;
    const delay = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(attempts - 1, 30));
    queue.put({ ...e, attempts, nextAttemptAt: now() + delay, lastError: error });
    return { status: "queued", id: e.thread.id, error };
  };

  /** Resolves a 412/428: the newer copy keeps the id; the older is queued as a fork. */
  const resolveConflict = async (e: QueueEntry): Promise<PushResult> => {
    let server: Thread | undefined;
    try {
      server = await fetchServerCopy(e.thread.id);
    } catch (err) {
      return requeue(
        e,
        `conflict: could not fetch the server copy (${err instanceof Error ? err.message : err})`,
      );
    }
    if (!server) return requeue(e, "conflict: server copy missing");
    const local = e.thread;
    const localWins = Date.parse(local.updatedAt) > Date.parse(server.updatedAt);
    const loser = localWins ? server : local;
    const fork: Thread = { ...loser, id: newId(), version: 0, isPrivate: false };
    delete fork.deletedAt;
    queue.put({ thread: fork, attempts: 0, nextAttemptAt: now() });
    // When the server wins, the acknowledged version is left where it was: a local store that adopts
    // the server copy pushes it with the server's `version` and goes through; one that keeps writing
    // its own copy meets another conflict, where the newer copy wins and the other is forked again.
    if (localWins) queue.put({ ...e, baseVersion: server.version, attempts: 0, nextAttemptAt: now() });
    else queue.remove(local.id);
    const conflict: SyncConflict = {
      id: local.id,
      winner: localWins ? "local" : "server",
      fork,
      local,
      server,
    };
    o.onConflict?.(conflict);
    await attempt(fork.id, 0);
    if (localWins) await attempt(local.id, 1);
    return { status: "conflict", id: local.id, conflict };
  };

  /** One delivery try of the queued entry for `id`. `depth` bounds conflict rounds. */
  const attempt = async (id: string, depth: number): Promise<PushResult> => {
    const e = queue.get(id);
    if (!e) return { status: "rejected", id, error: "not queued" };
    const d = await deliver(e);
    switch (d.kind) {
      case "ok":
        queue.remove(id);
        queue.setAcked(id, d.version);
        o.onSynced?.({ id, version: d.version });
        return { status: "synced", id, version: d.version };
      case "retry":
        return requeue(e, d.error);
      case "rejected":
        queue.remove(id);
        o.onRejected?.({ id, status: d.status, error: d.error });
        return { status: "rejected", id, error: d.error };
      case "conflict":
        if (depth >= 2) return requeue(e, "conflict persists; will retry");
        return resolveConflict(e);
      default: {
        const never: never = d;
        return never;
      }
    }
  };

  const runDue = async () => {
    const t = now();
    for (const id of queue.ids()) {
      const e = queue.get(id);
      if (e && e.nextAttemptAt <= t) await serial(id, () => attempt(id, 0));
    }
    schedule();
  };

  return {
    push(thread) {
      // `visibility: "private"` threads do sync (owner-only on the server); `isPrivate` ones stay here.
      if (thread.isPrivate) {
        return Promise.resolve({
          status: "refused",
          id: thread.id,
          reason: "private threads never leave this machine",
        });
      }
      return serial(thread.id, async () => {
        const prev = queue.get(thread.id);
        const known = Math.max(queue.ackedVersion(thread.id) ?? 0, thread.version);
        const baseVersion = prev?.baseVersion ?? (known > 0 ? known : undefined);
        queue.put({
          thread,
          ...(baseVersion === undefined ? {} : { baseVersion }),
          attempts: prev?.attempts ?? 0,
          nextAttemptAt: now(),
        });
        const r = await attempt(thread.id, 0);
        schedule();
        return r;
      });
    },
    async drain() {
      const results: PushResult[] = [];
      for (const id of queue.ids()) results.push(await serial(id, () => attempt(id, 0)));
      schedule();
      return results;
    },
    pending: () => queue.ids(),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}
