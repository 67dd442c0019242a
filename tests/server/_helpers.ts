/** Helpers for the server's cross-package tests: an in-process app, its fetch, and sample threads. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Thread } from "@loom/runtime/thread";
import { type AppOptions, createApp } from "@loom/server/app";
import { openDb } from "@loom/server/db";
import { silentLogger } from "@loom/server/logger";
import { sampleThread } from "@loom/server/test-helpers";
import { createToken } from "@loom/server/tokens";

export function tempDir(prefix = "loom-server-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function inProcessServer(opts: Partial<AppOptions> = {}) {
  const db = opts.db ?? openDb(":memory:");
  const app = createApp({ log: silentLogger, ...opts, db });
  const token = createToken(db, { name: "alice" }).token;
  let down = false;
  let calls = 0;
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    calls++;
    if (down) throw new TypeError("fetch failed: connection refused");
    return app.handle(new Request(input, init));
  }) as typeof fetch;
  return {
    app,
    db,
    token,
    fetch: fetchFn,
    setDown(v: boolean) {
      down = v;
    },
    get calls() {
      return calls;
    },
    async get(id: string): Promise<Thread | undefined> {
      const res = await app.handle(
        new Request(`http://localhost/api/threads/${id}`, { headers: { authorization: `Bearer ${token}` } }),
      );
      return res.ok ? ((await res.json()) as Thread) : undefined;
    },
  };
}

/** The server's sample thread with a one-message history ("hello"). */
export function thread(over: Partial<Thread> = {}): Thread {
  return sampleThread({ messages: [{ role: "user", content: "hello" }], ...over });
}
