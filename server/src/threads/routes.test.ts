import { describe, expect, test } from "bun:test";
import type { Thread } from "@loom/runtime/thread";
import { forEachBackend, type TestApp } from "../_backends.ts";
import { sampleThread } from "../_test-helpers.ts";

const put = (h: TestApp, t: Thread, ifMatch?: number | string, token = h.alice) =>
  h.call("PUT", `/api/threads/${t.id}`, {
    token,
    body: t,
    headers: ifMatch === undefined ? {} : { "if-match": String(ifMatch) },
  });

forEachBackend(({ kind, testApp }) => {
  describe(`threads API [${kind}]`, () => {
    test("creates, reads back, updates with If-Match; the server owns the version", async () => {
      const h = await testApp();
      const t = sampleThread({ version: 41, title: "Parser hang" });
      const created = await put(h, t);
      expect(created.status).toBe(201);
      expect(await created.json()).toEqual({ id: t.id, version: 1, updatedAt: t.updatedAt });

      const got = await h.call("GET", `/api/threads/${t.id}`, { token: h.alice });
      expect(got.headers.get("etag")).toBe('"1"');
      expect(await got.json()).toEqual({ ...t, version: 1 });

      const updated = await put(h, { ...t, title: "Parser hang, fixed" }, 1);
      expect(updated.status).toBe(200);
      expect(((await updated.json()) as { version: number }).version).toBe(2);
    });

    test("412 with the server's version when If-Match is stale or ahead; 428 when it is missing", async () => {
      const h = await testApp();
      const t = sampleThread();
      await put(h, t);
      await put(h, t, 1);
      const stale = await put(h, t, 1);
      expect(stale.status).toBe(412);
      expect(await stale.json()).toEqual({
        error: { code: "CONFLICT", message: "version mismatch: server has 2", version: 2 },
      });
      const ahead = await put(h, t, 3);
      expect(ahead.status).toBe(412);
      expect(await ahead.json()).toEqual({
        error: { code: "CONFLICT", message: "version mismatch: server has 2", version: 2 },
      });
      const missing = await put(h, t);
      expect(missing.status).toBe(428);
      const weak = await put(h, t, 'W/"2"');
      expect(weak.status).toBe(200);
      expect((await put(h, t, "abc")).status).toBe(400);
    });

    test("rejects private threads, mismatched ids and invalid bodies with one-line errors", async () => {
      const h = await testApp();
      const t = sampleThread({ isPrivate: true });
      const priv = await put(h, t);
      expect(priv.status).toBe(400);
      expect(((await priv.json()) as { error: { message: string } }).error.message).toContain("private");

      const other = sampleThread();
      const mismatch = await h.call("PUT", `/api/threads/${sampleThread().id}`, {
        token: h.alice,
        body: other,
      });
      expect(mismatch.status).toBe(400);

      const bad = await h.call("PUT", `/api/threads/${other.id}`, {
        token: h.alice,
        body: { ...other, messages: "x" },
      });
      expect(bad.status).toBe(400);
      const err = (await bad.json()) as { error: { code: string; message: string } };
      expect(err.error.code).toBe("INVALID_INPUT");
      expect(err.error.message).toContain("/messages");
      expect(err.error.message).not.toContain("\n");
    });

    test("soft delete hides the thread; writing it again revives it", async () => {
      const h = await testApp();
      const t = sampleThread();
      await put(h, t);
      expect((await h.call("DELETE", `/api/threads/${t.id}`, { token: h.alice })).status).toBe(204);
      expect((await h.call("GET", `/api/threads/${t.id}`, { token: h.alice })).status).toBe(404);
      expect((await h.call("DELETE", `/api/threads/${t.id}`, { token: h.alice })).status).toBe(404);
      const list = (await (await h.call("GET", "/api/threads", { token: h.alice })).json()) as {
        items: unknown[];
      };
      expect(list.items).toHaveLength(0);
      const [row] = await h.rows<{ deleted_at: string | null }>(
        `SELECT deleted_at FROM threads WHERE id = '${t.id}'`,
      );
      expect(row?.deleted_at).not.toBeNull();
      const revived = await put(h, t);
      expect(revived.status).toBe(200);
      expect(((await revived.json()) as { version: number }).version).toBe(3);
    });

    test("lists newest first in pages, filtered by workspace", async () => {
      const h = await testApp();
      const made: Thread[] = [];
      for (let i = 0; i < 5; i++) {
        const t = sampleThread({
          updatedAt: `2026-11-0${i + 1}T00:00:00.000Z`,
          workspace: i % 2 ? "/b" : "/a",
        });
        made.push(t);
        await put(h, t);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 5; page++) {
        const q: string = cursor ? `&cursor=${cursor}` : "";
        const res = (await (await h.call("GET", `/api/threads?limit=2${q}`, { token: h.alice })).json()) as {
          items: { id: string }[];
          nextCursor: string | null;
        };
        seen.push(...res.items.map((i) => i.id));
        cursor = res.nextCursor;
        if (!cursor) break;
      }
      expect(seen).toEqual([...made].reverse().map((t) => t.id));
      const a = (await (await h.call("GET", "/api/threads?workspace=/a", { token: h.alice })).json()) as {
        items: { workspace: string }[];
      };
      expect(a.items.map((i) => i.workspace)).toEqual(["/a", "/a", "/a"]);
      expect((await h.call("GET", "/api/threads?cursor=garbage", { token: h.alice })).status).toBe(400);
      expect((await h.call("GET", "/api/threads?limit=0", { token: h.alice })).status).toBe(400);
    });

    test("search ranks by bm25 over title, messages and git, then recency; FTS syntax is inert", async () => {
      const h = await testApp();
      const titled = sampleThread({ title: "tokenizer rewrite", updatedAt: "2026-11-01T00:00:00.000Z" });
      const mentioned = sampleThread({ updatedAt: "2026-11-03T00:00:00.000Z" }); // "tokenizer" in a message
      const branch = sampleThread({
        git: { branch: "fix/lexer-crash", commits: ["a1b2c3d"] },
        messages: [{ role: "user", content: "hello" }],
      });
      for (const t of [titled, mentioned, branch]) await put(h, t);
      const search = async (q: string) =>
        (
          (await (
            await h.call("GET", `/api/threads/search?q=${encodeURIComponent(q)}`, { token: h.alice })
          ).json()) as {
            items: { id: string }[];
          }
        ).items.map((i) => i.id);
      expect(await search("tokenizer")).toEqual([titled.id, mentioned.id]);
      expect(await search("lexer")).toEqual([branch.id]);
      expect(await search("a1b2c3d")).toEqual([branch.id]);
      expect(await search("tokeni*")).toHaveLength(2);
      expect(await search('" OR NEAR( *')).toEqual([]);
      expect((await h.call("GET", "/api/threads/search", { token: h.alice })).status).toBe(400);
    });

    test("visibility: owners change it; others read only shared threads and never write", async () => {
      const h = await testApp();
      const t = sampleThread({ visibility: "private" });
      await put(h, t);
      expect((await h.call("GET", `/api/threads/${t.id}`, { token: h.bob })).status).toBe(404);
      const bobSearch = await h.call("GET", "/api/threads/search?q=parser", { token: h.bob });
      expect(((await bobSearch.json()) as { items: unknown[] }).items).toHaveLength(0);

      const denied = await h.call("POST", `/api/threads/${t.id}/visibility`, {
        token: h.bob,
        body: { visibility: "public" },
      });
      expect(denied.status).toBe(404);
      const shared = await h.call("POST", `/api/threads/${t.id}/visibility`, {
        token: h.alice,
        body: { visibility: "team" },
      });
      expect(await shared.json()).toEqual({ id: t.id, version: 2, visibility: "team" });
      expect((await h.call("GET", `/api/threads/${t.id}`, { token: h.bob })).status).toBe(200);
      expect((await put(h, t, 2, h.bob)).status).toBe(403);
      const badVis = await h.call("POST", `/api/threads/${t.id}/visibility`, {
        token: h.alice,
        body: { visibility: "x" },
      });
      expect(badVis.status).toBe(400);
    });
  });
});
