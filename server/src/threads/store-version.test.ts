/**
 * The store's optimistic concurrency, tested on the store itself: only an `ifMatch` equal to the
 * stored version may write; lower (stale) and higher (invented) ones are conflicts.
 */
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { type BackendKind, forEachBackend, testBackend } from "../_backends.ts";
import { sampleThread } from "../_test-helpers.ts";
import type { Principal } from "../auth/principal.ts";
import type { Backend } from "../db/backend.ts";

const opened: Backend[] = [];
afterAll(() => Promise.all(opened.map((b) => b.close())));
let kindNow: BackendKind = "sqlite";
async function newStore() {
  const b = await testBackend(kindNow);
  opened.push(b);
  return b.threads;
}

const alice: Principal = { userId: "alice", via: "token" };
const bob: Principal = { userId: "bob", via: "token" };

async function storeWithThread() {
  const store = await newStore();
  const t = sampleThread({ version: 7 });
  expect(await store.put(alice, t, undefined)).toMatchObject({ kind: "created", thread: { version: 1 } });
  expect(await store.put(alice, t, 1)).toMatchObject({ kind: "updated", thread: { version: 2 } });
  return { store, t };
}

forEachBackend(({ kind }) => {
  describe(`thread store version check [${kind}]`, () => {
    beforeEach(() => {
      kindNow = kind;
    });
    test("a create ignores the client's version and starts at 1", async () => {
      const store = await newStore();
      const out = await store.put(alice, sampleThread({ version: 41 }), undefined);
      expect(out).toMatchObject({ kind: "created", thread: { version: 1, isPrivate: false } });
    });

    test("If-Match equal to the stored version writes and bumps the version by one", async () => {
      const { store, t } = await storeWithThread();
      const out = await store.put(alice, { ...t, title: "next" }, 2);
      expect(out).toMatchObject({ kind: "updated", thread: { version: 3, title: "next" } });
      expect((await store.get(t.id))?.version).toBe(3);
    });

    test("an update that drops the title clears it", async () => {
      const { store, t } = await storeWithThread();
      await store.put(alice, { ...t, title: "named" }, 2);
      expect((await store.get(t.id))?.title).toBe("named");
      const { title: _, ...untitled } = { ...t, title: "x" };
      await store.put(alice, untitled, 3);
      expect((await store.get(t.id))?.title).toBeNull();
    });

    test("a stale (lower) If-Match is a conflict naming the current version, and writes nothing", async () => {
      const { store, t } = await storeWithThread();
      expect(await store.put(alice, { ...t, title: "lost" }, 1)).toEqual({
        kind: "conflict",
        currentVersion: 2,
      });
      expect(await store.put(alice, { ...t, title: "lost" }, 0)).toEqual({
        kind: "conflict",
        currentVersion: 2,
      });
      expect((await store.get(t.id))?.version).toBe(2);
      expect((await store.get(t.id))?.title).not.toBe("lost");
    });

    test("a higher If-Match than the server's is a conflict too, not a write", async () => {
      const { store, t } = await storeWithThread();
      for (const v of [3, 4, 1_000_000]) {
        expect(await store.put(alice, { ...t, title: "invented" }, v)).toEqual({
          kind: "conflict",
          currentVersion: 2,
        });
      }
      expect((await store.get(t.id))?.version).toBe(2);
      expect((await store.get(t.id))?.title).not.toBe("invented");
    });

    test("a missing If-Match on an existing thread is precondition_required", async () => {
      const { store, t } = await storeWithThread();
      expect(await store.put(alice, t, undefined)).toEqual({
        kind: "precondition_required",
        currentVersion: 2,
      });
    });

    test("another owner cannot write, whatever the version", async () => {
      const { store, t } = await storeWithThread();
      expect(await store.put(bob, t, 2)).toEqual({ kind: "forbidden" });
      expect(await store.put(bob, t, undefined)).toEqual({ kind: "forbidden" });
      expect((await store.get(t.id))?.ownerId).toBe("alice");
    });

    test("a soft-deleted thread comes back on a write without If-Match; its version keeps counting", async () => {
      const { store, t } = await storeWithThread();
      await store.softDelete(t.id, new Date("2026-11-02T00:00:00Z"));
      expect((await store.get(t.id))?.version).toBe(3);
      const out = await store.put(alice, t, undefined);
      expect(out).toMatchObject({ kind: "updated", thread: { version: 4 } });
      expect((await store.get(t.id))?.deletedAt).toBeNull();
      expect(out.kind === "updated" && "deletedAt" in out.thread).toBe(false);
    });

    test("deleting or sharing a thread that does not exist changes nothing", async () => {
      const { store, t } = await storeWithThread();
      await store.softDelete("T-none", new Date());
      expect(await store.get("T-none")).toBeUndefined();
      expect((await store.get(t.id))?.version).toBe(2);
    });

    test("a visibility change bumps the version", async () => {
      const { store, t } = await storeWithThread();
      expect((await store.setVisibility(t.id, "public"))?.thread.version).toBe(3);
      expect((await store.get(t.id))?.version).toBe(3);
      expect(await store.setVisibility("T-none", "public")).toBeUndefined();
    });
  });
});
