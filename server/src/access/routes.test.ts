import { describe, expect, test } from "bun:test";
import type { LlmClient } from "@loom/runtime/llm";
import { forEachBackend } from "../_backends.ts";
import { sampleThread } from "../_test-helpers.ts";
import { createAuthKit } from "../auth/kit.ts";
import { ACCESS_KEY } from "./declare.ts";
import { ACTIONS } from "./subject.ts";

const RESOURCES = ["thread", "org", "team", "user", "directory", "server", "llm", "tool", "audit", "none"];

forEachBackend(({ kind, testApp }) => {
  describe(`access on routes [${kind}]`, () => {
    test("every operation in the OpenAPI document declares its action and resource", async () => {
      const h = await testApp();
      const doc = (await (await h.call("GET", "/api/openapi.json")).json()) as {
        paths: Record<string, Record<string, Record<string, unknown>>>;
      };
      const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([m, op]) => ({
          route: `${m.toUpperCase()} ${path}`,
          decl: op[ACCESS_KEY],
        })),
      );
      expect(ops.length).toBeGreaterThan(20);
      const missing = ops.filter((o) => {
        const d = o.decl as { action?: string; resource?: string } | undefined;
        return !d || !ACTIONS.includes(d.action as never) || !RESOURCES.includes(d.resource as string);
      });
      expect(missing.map((o) => o.route)).toEqual([]);
    });

    test("orgs and API keys: scopes bound the key, removal revokes at once, strangers see nothing", async () => {
      // A provider that must never be reached: the key is refused before it.
      const never = {
        complete: async () => {
          throw new Error("provider reached");
        },
      } as unknown as LlmClient;
      const h = await testApp({ providers: { anthropic: never } });
      const kit = createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens });
      const carol = await kit.userForVerifiedEmail("carol@example.com");
      const carolToken = (await h.backend.tokens.create({ name: "carol-cli", userId: carol.id })).token;
      // alice is the first user, so system_admin; dan is nobody in particular.
      const dan = (await h.backend.tokens.create({ name: "dan" })).token;

      // No credentials: 401; bob creates an org and adds carol.
      expect((await h.call("POST", "/api/orgs", { body: { slug: "acme" } })).status).toBe(401);
      const made = await h.call("POST", "/api/orgs", { token: h.bob, body: { slug: "acme", name: "Acme" } });
      expect(made.status).toBe(201);
      const org = (await made.json()) as { id: string };
      expect((await h.call("POST", "/api/orgs", { token: h.alice, body: { slug: "acme" } })).status).toBe(
        409,
      );
      // Dan is not a member: the org does not exist for him.
      expect((await h.call("GET", "/api/orgs/acme/members", { token: dan })).status).toBe(404);
      const add = await h.call("PUT", `/api/orgs/acme/members/${carol.id}`, {
        token: h.bob,
        body: { role: "member" },
      });
      expect(add.status).toBe(200);
      // A plain member cannot manage the org.
      const denied = await h.call("PUT", "/api/orgs/acme/members/alice", {
        token: carolToken,
        body: { role: "admin" },
      });
      expect(denied.status).toBe(403);
      expect(
        (await h.backend.accounts.audit.query({ action: "access.denied", limit: 5 })).items,
      ).toHaveLength(1);

      // Carol shares a thread with the org (only an org she is in); the change is audited.
      const th = sampleThread({ visibility: "private" });
      expect((await h.call("PUT", `/api/threads/${th.id}`, { token: carolToken, body: th })).status).toBe(
        201,
      );
      const share = (orgId: string) =>
        h.call("POST", `/api/threads/${th.id}/visibility`, {
          token: carolToken,
          body: { visibility: "organization", orgId },
        });
      expect((await share("org_other")).status).toBe(403);
      expect((await share(org.id)).status).toBe(200);
      const vis = await h.backend.accounts.audit.query({ action: "thread.visibility", limit: 5 });
      expect(vis.items[0]).toMatchObject({
        actorId: carol.id,
        orgId: org.id,
        detail: { from: "private", to: "organization" },
      });
      expect((await h.call("GET", `/api/threads/${th.id}`, { token: h.bob })).status).toBe(200);
      expect((await h.call("GET", `/api/threads/${th.id}`, { token: h.alice })).status).toBe(404);
      const aliceList = (await (await h.call("GET", "/api/threads", { token: h.alice })).json()) as {
        items: unknown[];
      };
      expect(aliceList.items).toHaveLength(0);

      // Carol's key with threads:read only.
      const keyRes = await h.call("POST", "/api/orgs/acme/api-keys", {
        token: h.bob,
        body: { name: "ci", scopes: ["threads:read"] },
      });
      expect(keyRes.status).toBe(201);
      const key = ((await keyRes.json()) as { key: string }).key;
      expect(key).toMatch(/^lk_/);
      expect((await h.call("GET", `/api/threads/${th.id}`, { token: key })).status).toBe(200);
      const noScope = await h.call("POST", "/proxy/anthropic/complete", {
        token: key,
        body: { model: "m", messages: [{ role: "user", content: "hi" }] },
      });
      expect(noScope.status).toBe(403);
      const put = sampleThread({ visibility: "organization" });
      expect((await h.call("PUT", `/api/threads/${put.id}`, { token: key, body: put })).status).toBe(403);
      expect((await h.call("GET", "/api/usage", { token: key })).status).toBe(403);
      const keys = (await (await h.call("GET", "/api/orgs/acme/api-keys", { token: h.bob })).json()) as {
        items: { lastUsedAt: string | null }[];
      };
      expect(keys.items[0]?.lastUsedAt).not.toBeNull();
      expect(JSON.stringify(keys)).not.toContain(key);

      // Invitations: single use, only for the invited address.
      const eve = await kit.userForVerifiedEmail("eve@example.com");
      const eveToken = (await h.backend.tokens.create({ name: "eve-cli", userId: eve.id })).token;
      const inv = (await (
        await h.call("POST", "/api/orgs/acme/invitations", {
          token: h.bob,
          body: { email: "Eve@Example.com" },
        })
      ).json()) as { token: string; expiresAt: string };
      const accept = (token: string) =>
        h.call("POST", "/api/orgs/invitations/accept", { token, body: { token: inv.token } });
      expect((await accept(dan)).status).toBe(403);
      expect((await accept(eveToken)).status).toBe(200);
      expect((await accept(eveToken)).status).toBe(400);
      expect((await h.call("GET", "/api/orgs/acme/members", { token: eveToken })).status).toBe(200);

      // Bob leaves nothing behind: removing him is refused (last owner); removing carol revokes her access.
      expect((await h.call("DELETE", "/api/orgs/acme/members/bob", { token: h.bob })).status).toBe(400);
      expect((await h.call("DELETE", `/api/orgs/acme/members/${carol.id}`, { token: h.bob })).status).toBe(
        204,
      );
      expect((await h.call("GET", "/api/orgs/acme/members", { token: carolToken })).status).toBe(404);
      // The key was made by bob, who is still in the org: it keeps working; revoking it stops it.
      const keyId = (
        (await (await h.call("GET", "/api/orgs/acme/api-keys", { token: h.bob })).json()) as {
          items: { id: string }[];
        }
      ).items[0]?.id;
      expect((await h.call("DELETE", `/api/orgs/acme/api-keys/${keyId}`, { token: h.bob })).status).toBe(204);
      expect((await h.call("GET", `/api/threads/${th.id}`, { token: key })).status).toBe(401);
    });
  });
});
