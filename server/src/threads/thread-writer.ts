/**
 * Thread PUTs' transactions on a worker thread (`write-worker.ts`) with its own connection, for
 * `loom serve` on a SQLite file: the event loop builds the request (columns, the body serialised
 * once), posts it and answers when the worker has committed. The loop's share of a PUT drops by the
 * SQLite work, and on two cores the writes run beside the requests' parsing and checking.
 * If the worker cannot start or dies, writes run on the server's thread again (one log line); a write
 * the worker had not answered fails with an error rather than being run twice.
 */

import { DbBusyError } from "../db/writer.ts";
import type { Logger } from "../logger.ts";
import type { PutRequest, PutRowOutcome } from "./put-row.ts";
import type { PutRunner } from "./store.ts";
import type { ThreadWriterMessage, ThreadWriterReport } from "./write-worker.ts";

/** In `dist/loom` the worker is its own entry point (scripts/build.ts), at its path from the root. */
const WORKER = import.meta.url.includes("/$bunfs/")
  ? "/$bunfs/root/server/src/threads/write-worker.ts"
  : new URL("./write-worker.ts", import.meta.url).href;

export interface ThreadWriter {
  /** Undefined once the worker is gone: the caller runs the write itself. */
  run: PutRunner;
  stop(): Promise<void>;
}

export function startThreadWriter(path: string, o: { log: Logger; busyTimeoutMs: number }): ThreadWriter {
  const pending = new Map<number, { resolve(out: PutRowOutcome): void; reject(e: Error): void }>();
  let nextId = 1;
  let worker: Worker | undefined;
  let stopped: (() => void) | undefined;
  const gone = (message: string) => {
    if (!worker) return;
    worker = undefined;
    o.log.error("db.thread_writer_failed", { message: message.split("\n")[0]?.slice(0, 200) });
    for (const p of pending.values()) p.reject(new Error(`thread writer stopped: ${message}`));
    pending.clear();
    stopped?.();
  };
  try {
    worker = new Worker(WORKER);
  } catch (e) {
    o.log.error("db.thread_writer_failed", { message: e instanceof Error ? e.message : String(e) });
    return { run: () => undefined, async stop() {} };
  }
  worker.onmessage = (ev: MessageEvent<ThreadWriterReport>) => {
    const r = ev.data;
    if (r.type === "put") {
      const p = pending.get(r.id);
      pending.delete(r.id);
      if ("out" in r) p?.resolve(r.out);
      else p?.reject(r.busyMs === undefined ? new Error(r.error) : new DbBusyError(r.busyMs));
    } else if (r.type === "failed") {
      worker?.terminate();
      gone(r.message);
    } else if (r.type === "stopped") stopped?.();
  };
  worker.onerror = (ev) => gone(ev.message);
  worker.postMessage({ type: "start", path, busyTimeoutMs: o.busyTimeoutMs } satisfies ThreadWriterMessage);
  // The worker alone does not keep the process alive; stop() waits for the writes it was given.
  const handle = worker as unknown as { ref?: () => void; unref?: () => void };
  handle.unref?.();
  return {
    run(req: PutRequest) {
      const w = worker;
      if (!w) return undefined;
      const id = nextId++;
      return new Promise<PutRowOutcome>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ type: "put", id, req } satisfies ThreadWriterMessage);
      });
    },
    async stop() {
      const w = worker;
      if (!w) return;
      handle.ref?.();
      await new Promise<void>((resolve) => {
        stopped = resolve;
        w.postMessage({ type: "stop" } satisfies ThreadWriterMessage);
      });
      worker = undefined;
      w.terminate();
    },
  };
}
