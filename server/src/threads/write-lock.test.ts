import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sampleThread, testApp } from "../_test-helpers.ts";
import { holdWriteLock } from "../db/_lock-holder.ts";
import { openDb } from "../db/open.ts";
import { createDbWriter } from "../db/writer.ts";

/** An app over a file database (another process can lock it) whose writer reports each busy attempt. */
function fileApp(timeoutMs: number) {
  const path = join(mkdtempSync(join(tmpdir(), "loom-lock-")), "server.db");
  const db = openDb(path);
  let onBusy = () => {};
  const busy = () => new Promise<void>((resolve) => (onBusy = resolve));
  const writer = createDbWriter(db.$client, { timeoutMs, onBusy: () => onBusy() });
  return { path, busy, ...testApp({ db, writer }) };
}

describe("thread writes while another process holds the write lock", () => {
  test("a PUT waits for the lock (the server keeps answering meanwhile) and then succeeds", async () => {
    const h = fileApp(60_000);
    const lock = await holdWriteLock(h.path);
    const t = sampleThread();
    const busy = h.busy();
    let settled = false;
    const put = h.call("PUT", `/api/threads/${t.id}`, { token: h.alice, body: t }).finally(() => {
      settled = true;
    });
    // Before the fix the PUT failed at once (a deferred transaction upgrading to write): whichever comes first.
    await Promise.race([busy, put]);
    expect(settled).toBe(false);
    // The event loop is free while the PUT waits: other requests are served.
    expect((await h.call("GET", "/health")).status).toBe(200);
    expect((await h.call("GET", "/api/threads", { token: h.alice })).status).toBe(200);
    expect(settled).toBe(false);
    await lock.release();
    const res = await put;
    expect(res.status).toBe(201);
    expect(
      (
        (await (await h.call("GET", `/api/threads/${t.id}`, { token: h.alice })).json()) as {
          version: number;
        }
      ).version,
    ).toBe(1);
  });

  test("a lock held past the busy timeout: 503 DATABASE_BUSY with retry-after, nothing written", async () => {
    const h = fileApp(30);
    const lock = await holdWriteLock(h.path);
    try {
      const t = sampleThread();
      const res = await h.call("PUT", `/api/threads/${t.id}`, { token: h.alice, body: t });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("DATABASE_BUSY");
      expect(body.error.message).toMatch(/^database is busy/);
      await lock.release();
      expect((await h.call("GET", `/api/threads/${t.id}`, { token: h.alice })).status).toBe(404);
      // Once the lock is free the same write goes through.
      expect((await h.call("PUT", `/api/threads/${t.id}`, { token: h.alice, body: t })).status).toBe(201);
    } finally {
      await lock.release();
    }
  });

  test("delete and visibility changes wait for the lock too, and answer 503 past the timeout", async () => {
    const h = fileApp(30);
    const t = sampleThread();
    expect((await h.call("PUT", `/api/threads/${t.id}`, { token: h.alice, body: t })).status).toBe(201);
    const lock = await holdWriteLock(h.path);
    try {
      const vis = await h.call("POST", `/api/threads/${t.id}/visibility`, {
        token: h.alice,
        body: { visibility: "public" },
      });
      expect([vis.status, vis.headers.get("retry-after")]).toEqual([503, "1"]);
      const del = await h.call("DELETE", `/api/threads/${t.id}`, { token: h.alice });
      expect([del.status, del.headers.get("retry-after")]).toEqual([503, "1"]);
    } finally {
      await lock.release();
    }
    expect((await h.call("DELETE", `/api/threads/${t.id}`, { token: h.alice })).status).toBe(204);
  });
});
