import { describe, expect, test } from "bun:test";
import { parseSse } from "@loom/runtime/sync/sse";
import { forEachBackend } from "../_backends.ts";
import { sampleThread } from "../_test-helpers.ts";

forEachBackend(({ kind, testApp }) => {
  describe(`thread events (SSE) [${kind}]`, () => {
    test("a subscriber sees committed writes it may read, in order; not other users' private threads", async () => {
      const h = await testApp();
      const ac = new AbortController();
      const res = await h.app.handle(
        new Request("http://localhost/api/threads/events", {
          headers: { authorization: `Bearer ${h.bob}` },
          signal: ac.signal,
        }),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/event-stream");
      const reader = parseSse(res.body as ReadableStream<Uint8Array>)[Symbol.asyncIterator]();
      const hidden = sampleThread({ visibility: "private" });
      const shared = sampleThread({ title: "shared" });
      const put = (t: typeof shared, ifMatch?: number) =>
        h.call("PUT", `/api/threads/${t.id}`, {
          token: h.alice,
          body: t,
          headers: ifMatch ? { "if-match": String(ifMatch) } : {},
        });
      expect((await put(hidden)).status).toBe(201);
      expect((await put(shared)).status).toBe(201);
      expect((await put({ ...shared, title: "again" }, 1)).status).toBe(200);
      expect((await h.call("DELETE", `/api/threads/${shared.id}`, { token: h.alice })).status).toBe(204);
      const events = [];
      for (let i = 0; i < 3; i++) {
        const m = (await reader.next()).value;
        events.push({ event: m?.event, ...JSON.parse(m?.data ?? "{}") });
      }
      expect(events).toEqual([
        {
          event: "thread.updated",
          id: shared.id,
          version: 1,
          updatedAt: shared.updatedAt,
          visibility: "team",
          deleted: false,
        },
        {
          event: "thread.updated",
          id: shared.id,
          version: 2,
          updatedAt: shared.updatedAt,
          visibility: "team",
          deleted: false,
        },
        {
          event: "thread.updated",
          id: shared.id,
          version: 3,
          updatedAt: shared.updatedAt,
          visibility: "team",
          deleted: true,
        },
      ]);
      ac.abort();
    });
  });
});
