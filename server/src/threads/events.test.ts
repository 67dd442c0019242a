import { describe, expect, test } from "bun:test";
import { readSse } from "@loom/sse/read";
import { forEachBackend } from "../_backends.ts";
import { sampleThread } from "../_test-helpers.ts";
import { createAuthKit } from "../auth/kit.ts";

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
      const reader = readSse(res.body as ReadableStream<Uint8Array>)[Symbol.asyncIterator]();
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

    test("an org thread's events reach only those who may read it (not even its id goes to a non-member)", async () => {
      const h = await testApp();
      const kit = createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens });
      const user = async (email: string) => {
        const u = await kit.userForVerifiedEmail(email);
        return { id: u.id, token: (await h.backend.tokens.create({ name: email, userId: u.id })).token };
      };
      const carol = await user("carol@example.com");
      const frank = await user("frank@example.com");
      const dan = await user("dan@example.com");
      const org = (await (
        await h.call("POST", "/api/orgs", { token: carol.token, body: { slug: "acme" } })
      ).json()) as { id: string };
      await h.call("PUT", `/api/orgs/acme/members/${frank.id}`, {
        token: carol.token,
        body: { role: "member" },
      });
      const ac = new AbortController();
      const subscribe = async (token: string) => {
        const res = await h.app.handle(
          new Request("http://localhost/api/threads/events", {
            headers: { authorization: `Bearer ${token}` },
            signal: ac.signal,
          }),
        );
        return readSse(res.body as ReadableStream<Uint8Array>)[Symbol.asyncIterator]();
      };
      const danEvents = await subscribe(dan.token);
      const frankEvents = await subscribe(frank.token);

      // Shared with the org (the visibility change and a later write), then a server-wide thread.
      const orgThread = sampleThread({ visibility: "private", title: "acme only" });
      expect(
        (await h.call("PUT", `/api/threads/${orgThread.id}`, { token: carol.token, body: orgThread })).status,
      ).toBe(201);
      const shared = await h.call("POST", `/api/threads/${orgThread.id}/visibility`, {
        token: carol.token,
        body: { visibility: "organization", orgId: org.id },
      });
      expect(shared.status).toBe(200);
      const write = await h.call("PUT", `/api/threads/${orgThread.id}`, {
        token: carol.token,
        body: { ...orgThread, visibility: "organization", title: "acme again" },
        headers: { "if-match": "2" },
      });
      expect(write.status).toBe(200);
      const open = sampleThread({ visibility: "team" });
      expect(
        (await h.call("PUT", `/api/threads/${open.id}`, { token: carol.token, body: open })).status,
      ).toBe(201);

      const next = async (it: typeof danEvents) => JSON.parse((await it.next()).value?.data ?? "{}");
      // The member sees the org thread's two events, then the open one.
      expect([await next(frankEvents), await next(frankEvents), await next(frankEvents)]).toMatchObject([
        { id: orgThread.id, version: 2, visibility: "organization" },
        { id: orgThread.id, version: 3 },
        { id: open.id, version: 1 },
      ]);
      // The non-member's first event is the open thread: nothing of the org's came before it.
      expect(await next(danEvents)).toMatchObject({ id: open.id, version: 1 });
      ac.abort();
    });

    test("a member removed from the org stops getting its events on an open stream; a revoked credential ends it", async () => {
      let now = Date.parse("2026-12-01T10:00:00.000Z");
      const h = await testApp({ clock: () => new Date(now) });
      const kit = createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens });
      const carolUser = await kit.userForVerifiedEmail("carol@example.com");
      const carol = (await h.backend.tokens.create({ name: "carol", userId: carolUser.id })).token;
      const frankUser = await kit.userForVerifiedEmail("frank@example.com");
      const frankToken = await h.backend.tokens.create({ name: "frank", userId: frankUser.id });
      const org = (await (
        await h.call("POST", "/api/orgs", { token: carol, body: { slug: "acme" } })
      ).json()) as {
        id: string;
      };
      await h.call("PUT", `/api/orgs/acme/members/${frankUser.id}`, {
        token: carol,
        body: { role: "member" },
      });
      const ac = new AbortController();
      const res = await h.app.handle(
        new Request("http://localhost/api/threads/events", {
          headers: { authorization: `Bearer ${frankToken.token}` },
          signal: ac.signal,
        }),
      );
      const events = readSse(res.body as ReadableStream<Uint8Array>)[Symbol.asyncIterator]();
      const next = async () => JSON.parse((await events.next()).value?.data ?? "{}");

      const orgThread = sampleThread({ visibility: "private" });
      await h.call("PUT", `/api/threads/${orgThread.id}`, { token: carol, body: orgThread });
      await h.call("POST", `/api/threads/${orgThread.id}/visibility`, {
        token: carol,
        body: { visibility: "organization", orgId: org.id },
      });
      expect(await next()).toMatchObject({ id: orgThread.id, version: 2 });

      // Removed; a second later (the stream's subject is rebuilt at most once a second) the org's
      // writes no longer reach him, a server-wide thread still does.
      expect(
        (await h.call("DELETE", `/api/orgs/acme/members/${frankUser.id}`, { token: carol })).status,
      ).toBe(204);
      now += 2000;
      await h.call("PUT", `/api/threads/${orgThread.id}`, {
        token: carol,
        body: { ...orgThread, visibility: "organization" },
        headers: { "if-match": "2" },
      });
      const open = sampleThread({ visibility: "team" });
      await h.call("PUT", `/api/threads/${open.id}`, { token: carol, body: open });
      expect(await next()).toMatchObject({ id: open.id, version: 1 });

      // His token revoked: the next write ends the stream instead of reaching him.
      await h.backend.tokens.revoke(frankToken.id);
      now += 2000;
      await h.call("PUT", `/api/threads/${open.id}`, {
        token: carol,
        body: open,
        headers: { "if-match": "1" },
      });
      expect((await events.next()).done).toBe(true);
      ac.abort();
    });
  });
});
