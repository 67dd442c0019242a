/**
 * Teams, join requests, leaving and removal, and support access, over HTTP on both databases: who may
 * manage what, that team membership counts in thread visibility, that removal revokes every org
 * resource at once (a thread shared with the org, an org API key the member made), and the audit trail.
 */
import { describe, expect, test } from "bun:test";
import { forEachBackend, type TestApp } from "../_backends.ts";
import { sampleThread } from "../_test-helpers.ts";
import { createAuthKit } from "../auth/kit.ts";

/** A signed-in person: a bearer session for a new account with this address. */
async function person(h: TestApp, email: string) {
  const kit = createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens });
  const user = await kit.userForVerifiedEmail(email);
  const token = (await kit.startSession(user.id, "cli", new Request("http://x"))).secret;
  return { id: user.id, token };
}

const json = async <T>(r: Response | Promise<Response>) => (await (await r).json()) as T;
const actions = async (h: TestApp, orgId?: string) =>
  (await h.backend.accounts.audit.query({ orgId, limit: 100 })).items.map((e) => e.action);

forEachBackend(({ kind, testApp }) => {
  describe(`orgs: teams, join requests, removal, support access [${kind}]`, () => {
    test("teams: org admins create and delete, maintainers manage members, members read; team visibility follows membership", async () => {
      const h = await testApp();
      const owner = await person(h, "olga@example.com");
      const mia = await person(h, "mia@example.com");
      const max = await person(h, "max@example.com");
      const out = await person(h, "out@example.com");
      expect((await h.call("POST", "/api/orgs", { token: owner.token, body: { slug: "acme" } })).status).toBe(
        201,
      );
      for (const u of [mia, max])
        await h.call("PUT", `/api/orgs/acme/members/${u.id}`, {
          token: owner.token,
          body: { role: "member" },
        });

      // Only org owners/admins create teams; a slug is unique in its org.
      expect(
        (await h.call("POST", "/api/orgs/acme/teams", { token: mia.token, body: { slug: "core" } })).status,
      ).toBe(403);
      const core = await h.call("POST", "/api/orgs/acme/teams", {
        token: owner.token,
        body: { slug: "core", name: "Core" },
      });
      expect(core.status).toBe(201);
      const team = await json<{ id: string; slug: string }>(core);
      expect(
        (await h.call("POST", "/api/orgs/acme/teams", { token: owner.token, body: { slug: "core" } })).status,
      ).toBe(409);

      const setMember = (token: string, userId: string, role: string) =>
        h.call("PUT", `/api/orgs/acme/teams/core/members/${userId}`, { token, body: { role } });
      expect((await setMember(owner.token, mia.id, "maintainer")).status).toBe(200);
      // A maintainer adds members; a plain member does not; only org members join; strangers see nothing.
      expect((await setMember(mia.token, max.id, "member")).status).toBe(200);
      expect((await setMember(max.token, max.id, "maintainer")).status).toBe(403);
      expect((await setMember(mia.token, out.id, "member")).status).toBe(400);
      expect((await h.call("GET", "/api/orgs/acme/teams", { token: out.token })).status).toBe(404);
      const list = await json<{ items: { slug: string; members: number }[] }>(
        h.call("GET", "/api/orgs/acme/teams", { token: max.token }),
      );
      expect(list.items).toEqual([expect.objectContaining({ slug: "core", members: 2 })]);
      const members = await json<{ items: { userId: string; role: string }[] }>(
        h.call("GET", "/api/orgs/acme/teams/core/members", { token: max.token }),
      );
      expect(members.items.map((m) => [m.userId, m.role])).toEqual([
        [mia.id, "maintainer"],
        [max.id, "member"],
      ]);

      // A thread shared with the team: team members read it, other org members do not.
      const orgId = ((await h.backend.accounts.orgs.get("acme")) as { id: string }).id;
      const th = sampleThread({ visibility: "private" });
      await h.call("PUT", `/api/threads/${th.id}`, { token: mia.token, body: th });
      expect(
        (
          await h.call("POST", `/api/threads/${th.id}/visibility`, {
            token: mia.token,
            body: { visibility: "team", orgId, teamId: team.id },
          })
        ).status,
      ).toBe(200);
      const read = (token: string) => h.call("GET", `/api/threads/${th.id}`, { token });
      expect((await read(max.token)).status).toBe(200);
      expect((await read(owner.token)).status).toBe(404);
      // Removed from the team (by its maintainer): no longer readable, at once.
      expect(
        (await h.call("DELETE", `/api/orgs/acme/teams/core/members/${max.id}`, { token: mia.token })).status,
      ).toBe(204);
      expect((await read(max.token)).status).toBe(404);
      // Max may still read the team list (an org member), but not manage it.
      expect((await setMember(max.token, max.id, "member")).status).toBe(403);

      // Deleting is for org owners/admins, not maintainers; the memberships go with the team.
      expect((await h.call("DELETE", "/api/orgs/acme/teams/core", { token: mia.token })).status).toBe(403);
      expect((await h.call("DELETE", "/api/orgs/acme/teams/core", { token: owner.token })).status).toBe(204);
      expect(await h.rows("SELECT * FROM team_members")).toEqual([]);
      expect((await read(mia.token)).status).toBe(200); // the owner still reads their thread

      const log = await actions(h, orgId);
      for (const a of [
        "team.create",
        "team.member_set",
        "team.member_removed",
        "team.delete",
        "access.denied",
      ])
        expect(log).toContain(a);
    });

    test("join requests: ask, list, approve (joins as member) or deny; audited", async () => {
      const h = await testApp();
      const owner = await person(h, "olga@example.com");
      const ann = await person(h, "ann@example.com");
      const ben = await person(h, "ben@example.com");
      await h.call("POST", "/api/orgs", { token: owner.token, body: { slug: "acme" } });
      expect((await h.call("POST", "/api/orgs/nope/join-requests", { token: ann.token })).status).toBe(404);
      const ask = (token: string) => h.call("POST", "/api/orgs/acme/join-requests", { token });
      const first = await ask(ann.token);
      expect(first.status).toBe(201);
      const again = await ask(ann.token);
      expect(again.status).toBe(200);
      const annReq = await json<{ id: string }>(first);
      expect((await json<{ id: string }>(again)).id).toBe(annReq.id);
      const benReq = await json<{ id: string }>(ask(ben.token));
      expect((await ask(owner.token)).status).toBe(409);

      // Only admins list and decide; the asker is not a member yet.
      expect((await h.call("GET", "/api/orgs/acme/join-requests", { token: ann.token })).status).toBe(404);
      const open = await json<{ items: { id: string; email: string }[] }>(
        h.call("GET", "/api/orgs/acme/join-requests", { token: owner.token }),
      );
      expect(open.items.map((r) => r.email)).toEqual(["ann@example.com", "ben@example.com"]);
      const decide = (id: string, decision: string) =>
        h.call("POST", `/api/orgs/acme/join-requests/${id}`, { token: owner.token, body: { decision } });
      expect((await decide(annReq.id, "approve")).status).toBe(200);
      expect((await decide(benReq.id, "deny")).status).toBe(200);
      expect((await decide(benReq.id, "approve")).status).toBe(404); // decided already
      const members = await json<{ items: { email: string; role: string }[] }>(
        h.call("GET", "/api/orgs/acme/members", { token: ann.token }),
      );
      expect(members.items.map((m) => [m.email, m.role])).toContainEqual(["ann@example.com", "member"]);
      expect((await h.call("GET", "/api/orgs/acme/members", { token: ben.token })).status).toBe(404);
      expect(
        (
          await json<{ items: unknown[] }>(
            h.call("GET", "/api/orgs/acme/join-requests", { token: owner.token }),
          )
        ).items,
      ).toEqual([]);
      const log = await actions(h);
      expect(log.filter((a) => a.startsWith("org.join"))).toEqual([
        "org.join_denied",
        "org.join",
        "org.join_request",
        "org.join_request",
      ]);
    });

    test("leaving and removal revoke every org resource at once: an org thread and the member's API key", async () => {
      const h = await testApp();
      const owner = await person(h, "olga@example.com");
      const ada = await person(h, "ada@example.com");
      const leo = await person(h, "leo@example.com");
      await h.call("POST", "/api/orgs", { token: owner.token, body: { slug: "acme" } });
      await h.call("PUT", `/api/orgs/acme/members/${ada.id}`, {
        token: owner.token,
        body: { role: "admin" },
      });
      await h.call("PUT", `/api/orgs/acme/members/${leo.id}`, {
        token: owner.token,
        body: { role: "member" },
      });
      const orgId = ((await h.backend.accounts.orgs.get("acme")) as { id: string }).id;
      const th = sampleThread({ visibility: "private" });
      await h.call("PUT", `/api/threads/${th.id}`, { token: owner.token, body: th });
      await h.call("POST", `/api/threads/${th.id}/visibility`, {
        token: owner.token,
        body: { visibility: "organization", orgId },
      });
      // Ada (an admin) makes an org key that reads threads.
      const key = (
        await json<{ key: string }>(
          h.call("POST", "/api/orgs/acme/api-keys", {
            token: ada.token,
            body: { name: "ci", scopes: ["threads:read"] },
          }),
        )
      ).key;
      const read = (token: string) => h.call("GET", `/api/threads/${th.id}`, { token });
      for (const t of [ada.token, leo.token, key]) expect((await read(t)).status).toBe(200);

      // The owner removes ada: her session still signs her in, but nothing of the org answers her or her key.
      expect(
        (await h.call("DELETE", `/api/orgs/acme/members/${ada.id}`, { token: owner.token })).status,
      ).toBe(204);
      expect((await h.call("GET", "/api/auth/me", { token: ada.token })).status).toBe(200);
      expect((await read(ada.token)).status).toBe(404);
      expect((await read(key)).status).toBe(404);
      expect((await h.call("GET", "/api/threads", { token: key })).status).toBe(200);
      expect(JSON.stringify(await json(h.call("GET", "/api/threads", { token: ada.token })))).not.toContain(
        th.id,
      );
      expect((await h.call("GET", "/api/orgs/acme/members", { token: ada.token })).status).toBe(404);
      expect((await h.call("GET", "/api/orgs/acme/api-keys", { token: ada.token })).status).toBe(404);

      // Leo leaves on his own: the same, at once; a removed member cannot remove others.
      expect((await h.call("DELETE", `/api/orgs/acme/members/${leo.id}`, { token: leo.token })).status).toBe(
        204,
      );
      expect((await read(leo.token)).status).toBe(404);
      expect(
        (await h.call("DELETE", `/api/orgs/acme/members/${owner.id}`, { token: leo.token })).status,
      ).toBe(404);
      const log = await actions(h, orgId);
      expect(log).toContain("org.member_removed");
      expect(log).toContain("org.leave");
    });

    test("roles: the last owner cannot be demoted; a role change keeps the member's member-since date", async () => {
      let now = Date.parse("2026-12-03T12:00:00.000Z");
      const h = await testApp({ clock: () => new Date(now) });
      const owner = await person(h, "olga@example.com");
      const ann = await person(h, "ann@example.com");
      await h.call("POST", "/api/orgs", { token: owner.token, body: { slug: "acme" } });
      const setRole = (userId: string, role: string) =>
        h.call("PUT", `/api/orgs/acme/members/${userId}`, { token: owner.token, body: { role } });
      const members = async () =>
        (
          await json<{ items: { userId: string; role: string; createdAt: string }[] }>(
            h.call("GET", "/api/orgs/acme/members", { token: owner.token }),
          )
        ).items;

      const refused = await setRole(owner.id, "admin");
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
        "last owner",
      );
      expect((await members()).find((m) => m.userId === owner.id)?.role).toBe("owner");

      expect((await setRole(ann.id, "member")).status).toBe(200);
      const since = (await members()).find((m) => m.userId === ann.id)?.createdAt;
      now += 3600_000;
      expect((await setRole(ann.id, "owner")).status).toBe(200);
      // With another owner, the first may step down.
      expect((await setRole(owner.id, "member")).status).toBe(200);
      const after = await members();
      expect(after.find((m) => m.userId === ann.id)).toMatchObject({ role: "owner", createdAt: since });
      expect(after.find((m) => m.userId === owner.id)?.role).toBe("member");
    });

    test("support access: the owner grants 31 days, support staff read; revoke or expiry ends it; audited", async () => {
      let now = Date.parse("2026-12-03T12:00:00.000Z");
      const h = await testApp({ clock: () => new Date(now) });
      const owner = await person(h, "olga@example.com");
      const sam = await person(h, "sam@example.com");
      const other = await person(h, "other@example.com");
      await h.backend.accounts.users.setRoles(sam.id, ["support"]);
      const th = sampleThread({ visibility: "private" });
      await h.call("PUT", `/api/threads/${th.id}`, { token: owner.token, body: th });
      const read = (token: string) => h.call("GET", `/api/threads/${th.id}`, { token });
      const grant = (token: string) => h.call("POST", `/api/threads/${th.id}/support-access`, { token });
      expect((await read(sam.token)).status).toBe(404);
      // Only the owner grants; support staff cannot grant themselves.
      expect((await grant(sam.token)).status).toBe(404);
      expect((await grant(other.token)).status).toBe(404);
      const g = await grant(owner.token);
      expect(g.status).toBe(201);
      const body = await json<{ isSharedWithSupport: boolean; expiresAt: string }>(g);
      expect(body).toEqual({
        threadId: th.id,
        isSharedWithSupport: true,
        expiresAt: new Date(now + 31 * 24 * 3600 * 1000).toISOString(),
      } as typeof body);
      expect((await read(sam.token)).status).toBe(200);
      // Support rights come from the role with the grant: another user gains nothing from the grant.
      expect((await read(other.token)).status).toBe(404);
      // Support staff list what is shared with them now; nobody else may list.
      const listed = (token: string) => h.call("GET", "/api/threads/support-access", { token });
      expect(await json(listed(sam.token))).toEqual({
        items: [
          {
            id: th.id,
            title: th.title ?? null,
            ownerId: owner.id,
            ownerName: (await h.backend.accounts.users.get(owner.id))?.displayName ?? null,
            workspace: th.workspace,
            updatedAt: th.updatedAt,
            grantedAt: new Date(now).toISOString(),
            expiresAt: body.expiresAt,
          },
        ],
      });
      expect((await listed(other.token)).status).toBe(403);
      expect((await listed(owner.token)).status).toBe(403);

      const revoke = () => h.call("DELETE", `/api/threads/${th.id}/support-access`, { token: owner.token });
      expect((await revoke()).status).toBe(204);
      expect((await read(sam.token)).status).toBe(404);
      expect(await json(listed(sam.token))).toEqual({ items: [] });
      expect((await revoke()).status).toBe(404);

      // A new grant ends by itself after 31 days.
      expect((await grant(owner.token)).status).toBe(201);
      now += 31 * 24 * 3600 * 1000 - 1000;
      expect((await read(sam.token)).status).toBe(200);
      expect((await json<{ items: unknown[] }>(listed(sam.token))).items).toHaveLength(1);
      now += 1000;
      expect((await read(sam.token)).status).toBe(404);
      expect(await json(listed(sam.token))).toEqual({ items: [] });
      const log = await actions(h);
      expect(log.filter((a) => a.startsWith("thread.support"))).toEqual([
        "thread.support_granted",
        "thread.support_revoked",
        "thread.support_granted",
      ]);
    });
  });
});
