import { describe, expect, test } from "bun:test";
import { forEachBackend } from "../_backends.ts";
import { createAuthKit } from "../auth/kit.ts";

forEachBackend(({ kind, testApp }) => {
  describe(`admin and audit [${kind}]`, () => {
    test("a system_admin lists and disables users (their credentials stop at once); others get 403", async () => {
      const h = await testApp(); // alice is the first user: system_admin
      expect((await h.call("GET", "/api/admin/users", { token: h.bob })).status).toBe(403);
      const list = await h.call("GET", "/api/admin/users", { token: h.alice });
      expect(list.status).toBe(200);
      const items = ((await list.json()) as { items: { id: string; roles: string[] }[] }).items;
      expect(items.find((u) => u.id === "alice")?.roles).toEqual(["system_admin"]);
      expect(items.map((u) => u.id)).toContain("bob");

      expect((await h.call("POST", "/api/admin/users/alice/disable", { token: h.bob })).status).toBe(403);
      expect((await h.call("POST", "/api/admin/users/bob/disable", { token: h.alice })).status).toBe(204);
      expect((await h.call("GET", "/api/auth/me", { token: h.bob })).status).toBe(401);
      expect((await h.call("POST", "/api/admin/users/bob/enable", { token: h.alice })).status).toBe(204);
      expect((await h.call("GET", "/api/auth/me", { token: h.bob })).status).toBe(200);
      expect((await h.call("POST", "/api/admin/users/nobody/disable", { token: h.alice })).status).toBe(404);
    });

    test("impersonation is time-limited, recorded, and shown by /api/auth/me; it cannot chain", async () => {
      const h = await testApp();
      const kit = createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens });
      const carol = await kit.userForVerifiedEmail("carol@example.com");
      expect(
        (await h.call("POST", "/api/admin/impersonate", { token: h.bob, body: { userId: carol.id } })).status,
      ).toBe(403);
      const tooLong = await h.call("POST", "/api/admin/impersonate", {
        token: h.alice,
        body: { userId: carol.id, minutes: 600 },
      });
      expect(tooLong.status).toBe(400);
      const res = await h.call("POST", "/api/admin/impersonate", {
        token: h.alice,
        body: { userId: carol.id, minutes: 15 },
      });
      expect(res.status).toBe(201);
      const { token, expiresAt } = (await res.json()) as { token: string; expiresAt: string };
      expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(15 * 60_000);
      const me = (await (await h.call("GET", "/api/auth/me", { token })).json()) as Record<string, unknown>;
      expect(me).toMatchObject({ userId: carol.id, impersonation: { by: "alice", expiresAt } });
      // While impersonating, no further impersonation and no admin powers of the admin.
      expect(
        (await h.call("POST", "/api/admin/impersonate", { token, body: { userId: "bob" } })).status,
      ).toBe(403);
      const log = (await (
        await h.call("GET", "/api/audit?action=auth.impersonate", { token: h.alice })
      ).json()) as { items: { actorId: string; targetId: string }[] };
      expect(log.items).toEqual([expect.objectContaining({ actorId: "alice", targetId: carol.id })]);
    });

    test("the audit log: readable by system_admin and auditor only, paged, filtered by actor/action/time", async () => {
      const h = await testApp();
      const dan = (await h.backend.tokens.create({ name: "dan" })).token;
      expect((await h.call("GET", "/api/audit", { token: h.bob })).status).toBe(403);
      await h.call("POST", "/api/admin/users/bob/disable", { token: h.alice });
      expect((await h.call("GET", "/api/audit", { token: dan })).status).toBe(403);
      expect(
        (await h.call("PUT", "/api/admin/users/dan/roles", { token: h.alice, body: { roles: ["auditor"] } }))
          .status,
      ).toBe(200);
      const page1 = await h.call("GET", "/api/audit?actor=alice&limit=1", { token: dan });
      expect(page1.status).toBe(200);
      const p1 = (await page1.json()) as { items: { id: string; action: string }[]; nextCursor: string };
      expect(p1.items).toHaveLength(1);
      expect(p1.items[0]?.action).toBe("user.roles");
      const p2 = (await (
        await h.call("GET", `/api/audit?actor=alice&limit=10&cursor=${p1.nextCursor}`, { token: dan })
      ).json()) as { items: { action: string }[] };
      expect(p2.items.map((i) => i.action)).toEqual(["user.disable"]);
      const future = (await (
        await h.call("GET", "/api/audit?from=2999-01-01T00:00:00Z", { token: dan })
      ).json()) as {
        items: unknown[];
      };
      expect(future.items).toHaveLength(0);
      // An auditor is read-only: no admin writes, and its denial is itself audited.
      expect((await h.call("POST", "/api/admin/users/bob/enable", { token: dan })).status).toBe(403);
      const denied = (await (
        await h.call("GET", "/api/audit?action=access.denied", { token: dan })
      ).json()) as {
        items: { actorId: string }[];
      };
      expect(denied.items.map((i) => i.actorId)).toContain("dan");
    });
  });
});
