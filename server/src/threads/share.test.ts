import { describe, expect, test } from "bun:test";
import type { Thread } from "@loom/runtime/thread";
import { forEachBackend, type TestApp } from "../_backends.ts";
import { sampleThread } from "../_test-helpers.ts";
import { createAuthKit } from "../auth/kit.ts";

const put = (h: TestApp, t: Thread, token: string) =>
  h.call("PUT", `/api/threads/${t.id}`, { token, body: t });

/** An org `acme` owned by carol with frank as a member; dan belongs to none. Tokens for each. */
async function people(h: TestApp) {
  const kit = createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens });
  const token = async (email: string) => {
    const u = await kit.userForVerifiedEmail(email);
    return { id: u.id, token: (await h.backend.tokens.create({ name: email, userId: u.id })).token };
  };
  const carol = await token("carol@example.com");
  const frank = await token("frank@example.com");
  const dan = await token("dan@example.com");
  const org = (await (
    await h.call("POST", "/api/orgs", { token: carol.token, body: { slug: "acme" } })
  ).json()) as {
    id: string;
  };
  expect(
    (
      await h.call("PUT", `/api/orgs/acme/members/${frank.id}`, {
        token: carol.token,
        body: { role: "member" },
      })
    ).status,
  ).toBe(200);
  return { carol, frank, dan, org };
}

forEachBackend(({ kind, testApp }) => {
  describe(`public threads [${kind}]`, () => {
    test("a public thread reads signed out; a private one, an unknown id and a bad token answer 401", async () => {
      const h = await testApp();
      const pub = sampleThread({ visibility: "public", title: "Public notes" });
      const priv = sampleThread({ visibility: "private" });
      expect((await put(h, pub, h.alice)).status).toBe(201);
      expect((await put(h, priv, h.alice)).status).toBe(201);
      const open = await h.call("GET", `/api/threads/${pub.id}`);
      expect(open.status).toBe(200);
      expect(((await open.json()) as Thread).title).toBe("Public notes");
      // Not public, unknown, or a credential that does not resolve: the same 401, nothing revealed.
      for (const id of [priv.id, "T-0190f3a2-0000-7000-8000-000000000000"])
        expect((await h.call("GET", `/api/threads/${id}`)).status).toBe(401);
      const bad = await h.call("GET", `/api/threads/${pub.id}`, {
        headers: { authorization: "Bearer lt_nope" },
      });
      expect(bad.status).toBe(401);
      // Writing still needs credentials.
      expect((await h.call("PUT", `/api/threads/${pub.id}`, { body: pub })).status).toBe(401);
    });
  });

  describe(`share links [${kind}]`, () => {
    test("the owner creates, lists and revokes links; a link reads the thread signed out until revoked or expired", async () => {
      let now = Date.parse("2026-12-01T10:00:00.000Z");
      const h = await testApp({ clock: () => new Date(now) });
      const t = sampleThread({ visibility: "private", title: "Shared parser fix" });
      expect((await put(h, t, h.alice)).status).toBe(201);

      const made = await h.call("POST", `/api/threads/${t.id}/share-links`, { token: h.alice, body: {} });
      expect(made.status).toBe(201);
      const link = (await made.json()) as { id: string; token: string; path: string; expiresAt: null };
      expect(link.token).toMatch(/^[0-9a-f]{48}$/);
      expect(link.path).toBe(`/s/${link.token}`);
      expect(link.expiresAt).toBeNull();

      // Signed out, the link reads the whole thread; it is read-only (no route takes it for a write).
      const read = await h.call("GET", `/api/shared/${link.token}`);
      expect(read.status).toBe(200);
      expect(read.headers.get("cache-control")).toBe("no-store");
      expect(((await read.json()) as Thread).title).toBe("Shared parser fix");
      expect(
        (
          await h.call("PUT", `/api/threads/${t.id}`, {
            body: t,
            headers: { authorization: `Bearer ${link.token}` },
          })
        ).status,
      ).toBe(401);
      expect((await h.call("GET", `/api/shared/${"0".repeat(48)}`)).status).toBe(404);
      expect((await h.call("GET", "/api/shared/not-a-token")).status).toBe(404);

      // An expiring link works until its time, then not; a past expiry is refused.
      const soon = (await (
        await h.call("POST", `/api/threads/${t.id}/share-links`, {
          token: h.alice,
          body: { expiresAt: "2026-12-01T11:00:00.000Z" },
        })
      ).json()) as { token: string; id: string };
      expect((await h.call("GET", `/api/shared/${soon.token}`)).status).toBe(200);
      now = Date.parse("2026-12-01T11:00:01.000Z");
      expect((await h.call("GET", `/api/shared/${soon.token}`)).status).toBe(404);
      const past = await h.call("POST", `/api/threads/${t.id}/share-links`, {
        token: h.alice,
        body: { expiresAt: "2026-12-01T09:00:00.000Z" },
      });
      expect(past.status).toBe(400);
      const junk = await h.call("POST", `/api/threads/${t.id}/share-links`, {
        token: h.alice,
        body: { expiresAt: "tomorrow" },
      });
      expect(junk.status).toBe(400);

      // The list never carries a token; revoking stops the link at once, and twice is a 404.
      const listed = await h.call("GET", `/api/threads/${t.id}/share-links`, { token: h.alice });
      const text = await listed.text();
      expect(text).not.toContain(link.token);
      expect((JSON.parse(text) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([
        link.id,
        soon.id,
      ]);
      const revoke = () =>
        h.call("DELETE", `/api/threads/${t.id}/share-links/${link.id}`, { token: h.alice });
      expect((await revoke()).status).toBe(204);
      expect((await revoke()).status).toBe(404);
      expect((await h.call("GET", `/api/shared/${link.token}`)).status).toBe(404);

      const audit = await h.backend.accounts.audit.query({ limit: 10 });
      const actions = audit.items.map((e) => [e.action, e.detail.linkId]);
      expect(actions).toContainEqual(["thread.share", link.id]);
      expect(actions).toContainEqual(["thread.share", soon.id]);
      expect(actions).toContainEqual(["thread.share_revoked", link.id]);
      expect(JSON.stringify(audit)).not.toContain(link.token);
    });

    test("only the owner shares: a reader gets 403, a stranger 404, an API key 403; a deleted thread's links stop", async () => {
      const h = await testApp();
      const { carol, frank, dan } = await people(h);
      const shared = sampleThread({ visibility: "team" });
      const hidden = sampleThread({ visibility: "private" });
      for (const t of [shared, hidden]) expect((await put(h, t, carol.token)).status).toBe(201);
      const create = (id: string, token: string) =>
        h.call("POST", `/api/threads/${id}/share-links`, { token, body: {} });
      expect((await create(shared.id, frank.token)).status).toBe(403);
      expect((await create(hidden.id, dan.token)).status).toBe(404);
      expect(
        (await h.call("GET", `/api/threads/${hidden.id}/share-links`, { token: dan.token })).status,
      ).toBe(404);
      const key = (
        (await (
          await h.call("POST", "/api/orgs/acme/api-keys", {
            token: carol.token,
            body: { name: "k", scopes: ["threads:read", "threads:write", "threads:delete"] },
          })
        ).json()) as { key: string }
      ).key;
      expect((await create(hidden.id, key)).status).toBe(403);

      const link = (await (await create(hidden.id, carol.token)).json()) as { token: string };
      expect((await h.call("GET", `/api/shared/${link.token}`)).status).toBe(200);
      expect((await h.call("DELETE", `/api/threads/${hidden.id}`, { token: carol.token })).status).toBe(204);
      expect((await h.call("GET", `/api/shared/${link.token}`)).status).toBe(404);
    });

    test("threads written through an org API key are in the key's org; the key cannot write outside it", async () => {
      const h = await testApp();
      const { carol, frank, dan, org } = await people(h);
      const key = (
        (await (
          await h.call("POST", "/api/orgs/acme/api-keys", {
            token: carol.token,
            body: { name: "ci", scopes: ["threads:read", "threads:write"] },
          })
        ).json()) as { key: string }
      ).key;
      const t = sampleThread({ visibility: "organization", title: "written by CI" });
      expect((await put(h, t, key)).status).toBe(201);
      const rows = await h.rows<{ org_id: string | null; owner_id: string }>(
        `SELECT org_id, owner_id FROM threads WHERE id = '${t.id}'`,
      );
      expect(rows).toEqual([{ org_id: org.id, owner_id: carol.id }]);
      // In the org: a member reads it, an outsider does not; the key writes it again.
      expect((await h.call("GET", `/api/threads/${t.id}`, { token: frank.token })).status).toBe(200);
      expect((await h.call("GET", `/api/threads/${t.id}`, { token: dan.token })).status).toBe(404);
      const again = await h.call("PUT", `/api/threads/${t.id}`, {
        token: key,
        body: { ...t, title: "again" },
        headers: { "if-match": "1" },
      });
      expect(again.status).toBe(200);
      // A later write by the owner keeps the thread in the org.
      const byOwner = await h.call("PUT", `/api/threads/${t.id}`, {
        token: carol.token,
        body: { ...t, title: "by carol" },
        headers: { "if-match": "2" },
      });
      expect(byOwner.status).toBe(200);
      expect(
        await h.rows<{ org_id: string | null }>(`SELECT org_id FROM threads WHERE id = '${t.id}'`),
      ).toEqual([{ org_id: org.id }]);

      // Carol's own thread outside the org: the key may not overwrite it.
      const own = sampleThread({ visibility: "private" });
      expect((await put(h, own, carol.token)).status).toBe(201);
      const outside = await h.call("PUT", `/api/threads/${own.id}`, {
        token: key,
        body: own,
        headers: { "if-match": "1" },
      });
      expect(outside.status).toBe(403);
    });

    test("the list filters by visibility and by git remote", async () => {
      const h = await testApp();
      const a = sampleThread({ visibility: "public", git: { remote: "https://example.com/acme/loom.git" } });
      const b = sampleThread({ visibility: "team", git: { remote: "https://example.com/acme/web.git" } });
      const c = sampleThread({ visibility: "team" });
      for (const t of [a, b, c]) expect((await put(h, t, h.alice)).status).toBe(201);
      const ids = async (q: string) =>
        (
          (await (await h.call("GET", `/api/threads?${q}`, { token: h.alice })).json()) as {
            items: { id: string }[];
          }
        ).items
          .map((i) => i.id)
          .sort();
      expect(await ids("visibility=public")).toEqual([a.id]);
      expect(await ids("visibility=team")).toEqual([b.id, c.id].sort());
      expect(await ids(`repo=${encodeURIComponent("https://example.com/acme/web.git")}`)).toEqual([b.id]);
      expect(await ids("visibility=public&repo=nothing")).toEqual([]);
      expect((await h.call("GET", "/api/threads?visibility=secret", { token: h.alice })).status).toBe(400);
    });
  });
});
