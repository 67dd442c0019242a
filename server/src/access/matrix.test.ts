/**
 * Walks every operation of the OpenAPI document (an operation missing from CASES fails the test):
 * no credentials → 401; another user's credentials → 403/404, or their own (empty) view without the
 * owner's data; an API key without the scope → 403; the right principal → 2xx.
 */
import { describe, expect, test } from "bun:test";
import type { LlmClient, LlmResponse } from "@loom/runtime/llm";
import { Secret } from "@loom/runtime/secret";
import { forEachBackend } from "../_backends.ts";
import { sampleThread } from "../_test-helpers.ts";
import { createAuthKit } from "../auth/kit.ts";
import { silentLogger } from "../logger.ts";
import { memoryDriver } from "../weavers/_memory-driver.ts";
import { createWeaverService } from "../weavers/service.ts";

const MARK = "CAROLSECRETMARK";
const answer: LlmResponse = {
  model: "m",
  message: { role: "assistant", content: "ok" },
  usage: { inputTokens: 1, outputTokens: 1 },
  finishReason: "end_turn",
};
const provider: LlmClient = {
  provider: "anthropic",
  complete: async () => answer,
  async *stream() {
    yield { type: "completed", response: answer };
  },
};

interface Ctx {
  carol: string;
  alice: string;
  thread: string;
  thread2: string;
  carolId: string;
  eveId: string;
  frankId: string;
  session2: string;
  key3: string;
  invite: string;
  /** A second open invitation (withdrawn by org.invitations.revoke). */
  inviteId2: string;
  /** gina's open request to join acme. */
  joinId: string;
  /** A member of acme and of its team core. */
  hankId: string;
  /** Fresh device-login user codes, one taken by each call of auth.device.approve. */
  userCodes: string[];
  /** An analytics key of acme (revoked by analytics.keys.revoke). */
  analyticsKey: string;
  /** carol's weavers: one to read, one to delete. */
  weaver: string;
  weaver2: string;
  /** A flag SDK key of acme (flagkeys.revoke). */
  flagKey?: string;
  /** A share link of `thread`, for thread.shareLinks.revoke. */
  shareLink: string;
}
interface Case {
  method: string;
  path: (c: Ctx) => string;
  body?: (c: Ctx) => unknown;
  headers?: Record<string, string>;
  /** Who succeeds: the owner (carol) or the system_admin (alice). */
  right: "carol" | "alice";
  /** hidden: a stranger gets 403/404; own: a stranger gets their own view, without carol's data. */
  other: "hidden" | "own";
  open?: boolean;
  /** The right principal's status when it is not a 2xx (attach without a WebSocket: 426). */
  rightStatus?: number;
}

const llm = { model: "m", messages: [{ role: "user", content: "hi" }] };
const CASES: Record<string, Case> = {
  "ops.health": { method: "GET", path: () => "/health", right: "carol", other: "own", open: true },
  "ops.metrics": { method: "GET", path: () => "/metrics", right: "carol", other: "own", open: true },
  "auth.me": { method: "GET", path: () => "/api/auth/me", right: "carol", other: "own" },
  "auth.logout": { method: "POST", path: () => "/api/auth/logout", right: "carol", other: "own" },
  // Sign-in methods: open routes (they are how one gets credentials); their own tests are in auth/.
  "auth.providers": {
    method: "GET",
    path: () => "/api/auth/providers",
    right: "carol",
    other: "own",
    open: true,
  },
  "auth.device.code": {
    method: "POST",
    path: () => "/api/auth/device/code",
    right: "carol",
    other: "own",
    open: true,
  },
  "auth.device.token": {
    method: "POST",
    path: () => "/api/auth/device/token",
    body: () => ({ device_code: "unknown" }),
    right: "carol",
    other: "own",
    open: true,
  },
  "auth.magicLink.request": {
    method: "POST",
    path: () => "/api/auth/magic-link",
    body: () => ({ email: "nobody@example.com" }),
    right: "carol",
    other: "own",
    open: true,
  },
  "auth.magicLink.verify": {
    method: "GET",
    path: () => "/api/auth/magic-link/verify?token=unknown",
    right: "carol",
    other: "own",
    open: true,
  },
  "auth.oauth.start": {
    method: "GET",
    path: () => "/api/auth/oauth/none/start",
    right: "carol",
    other: "own",
    open: true,
  },
  "auth.oauth.callback": {
    method: "GET",
    path: () => "/api/auth/oauth/none/callback",
    right: "carol",
    other: "own",
    open: true,
  },
  // A signed-in person approves a code: a stranger approving a code of their own sees nothing of carol's.
  "auth.device.approve": {
    method: "POST",
    path: () => "/api/auth/device/approve",
    body: (c) => ({ user_code: c.userCodes.shift() ?? "none" }),
    right: "carol",
    other: "own",
  },
  "auth.sessions.list": { method: "GET", path: () => "/api/auth/sessions", right: "carol", other: "own" },
  "auth.sessions.revoke": {
    method: "DELETE",
    path: (c) => `/api/auth/sessions/${c.session2}`,
    right: "carol",
    other: "hidden",
  },
  "thread.list": { method: "GET", path: () => "/api/threads", right: "carol", other: "own" },
  "thread.events": { method: "GET", path: () => "/api/threads/events", right: "carol", other: "own" },
  "thread.search": {
    method: "GET",
    path: () => `/api/threads/search?q=${MARK}`,
    right: "carol",
    other: "own",
  },
  "thread.get": { method: "GET", path: (c) => `/api/threads/${c.thread}`, right: "carol", other: "hidden" },
  "thread.put": {
    method: "PUT",
    path: (c) => `/api/threads/${c.thread}`,
    body: (c) => sampleThread({ id: c.thread, title: MARK, visibility: "private", version: 1 }),
    headers: { "if-match": "1" },
    right: "carol",
    other: "hidden",
  },
  "thread.delete": {
    method: "DELETE",
    path: (c) => `/api/threads/${c.thread2}`,
    right: "carol",
    other: "hidden",
  },
  "thread.visibility": {
    method: "POST",
    path: (c) => `/api/threads/${c.thread}/visibility`,
    body: () => ({ visibility: "private" }),
    right: "carol",
    other: "hidden",
  },
  "usage.list": { method: "GET", path: () => "/api/usage", right: "carol", other: "own" },
  "proxy.complete": {
    method: "POST",
    path: () => "/proxy/anthropic/complete",
    body: () => llm,
    right: "carol",
    other: "own",
  },
  "proxy.stream": {
    method: "POST",
    path: () => "/proxy/anthropic/stream",
    body: () => llm,
    right: "carol",
    other: "own",
  },
  "proxy.anthropic.messages": {
    method: "POST",
    path: () => "/proxy/anthropic/v1/messages",
    body: () => ({ model: "m", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
    right: "carol",
    other: "own",
  },
  "proxy.openai.chat": {
    method: "POST",
    path: () => "/proxy/openai/v1/chat/completions",
    body: () => ({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    right: "carol",
    other: "own",
  },
  "org.create": {
    method: "POST",
    path: () => "/api/orgs",
    body: () => ({ slug: `o${Math.random().toString(36).slice(2, 9)}` }),
    right: "carol",
    other: "own",
  },
  "org.list": { method: "GET", path: () => "/api/orgs", right: "carol", other: "own" },
  "org.members.list": {
    method: "GET",
    path: () => "/api/orgs/acme/members",
    right: "carol",
    other: "hidden",
  },
  "org.members.set": {
    method: "PUT",
    path: (c) => `/api/orgs/acme/members/${c.eveId}`,
    body: () => ({ role: "member" }),
    right: "carol",
    other: "hidden",
  },
  "org.members.remove": {
    method: "DELETE",
    path: (c) => `/api/orgs/acme/members/${c.frankId}`,
    right: "carol",
    other: "hidden",
  },
  "org.apikeys.create": {
    method: "POST",
    path: () => "/api/orgs/acme/api-keys",
    body: () => ({ name: "k", scopes: ["threads:read"] }),
    right: "carol",
    other: "hidden",
  },
  "org.invitations.create": {
    method: "POST",
    path: () => "/api/orgs/acme/invitations",
    body: () => ({ email: "someone@example.com" }),
    right: "carol",
    other: "hidden",
  },
  "org.invitations.accept": {
    method: "POST",
    path: () => "/api/orgs/invitations/accept",
    body: (c) => ({ token: c.invite }),
    right: "carol",
    other: "hidden",
  },
  "org.apikeys.list": {
    method: "GET",
    path: () => "/api/orgs/acme/api-keys",
    right: "carol",
    other: "hidden",
  },
  "org.apikeys.revoke": {
    method: "DELETE",
    path: (c) => `/api/orgs/acme/api-keys/${c.key3}`,
    right: "carol",
    other: "hidden",
  },
  "admin.users.list": { method: "GET", path: () => "/api/admin/users", right: "alice", other: "hidden" },
  "admin.users.disable": {
    method: "POST",
    path: (c) => `/api/admin/users/${c.eveId}/disable`,
    right: "alice",
    other: "hidden",
  },
  "admin.users.enable": {
    method: "POST",
    path: (c) => `/api/admin/users/${c.eveId}/enable`,
    right: "alice",
    other: "hidden",
  },
  "admin.users.roles": {
    method: "PUT",
    path: (c) => `/api/admin/users/${c.eveId}/roles`,
    body: () => ({ roles: [] }),
    right: "alice",
    other: "hidden",
  },
  "admin.impersonate": {
    method: "POST",
    path: () => "/api/admin/impersonate",
    body: (c) => ({ userId: c.carolId, minutes: 5 }),
    right: "alice",
    other: "hidden",
  },
  "audit.list": { method: "GET", path: () => "/api/audit", right: "alice", other: "hidden" },
  "org.audit": { method: "GET", path: () => "/api/orgs/acme/audit", right: "carol", other: "hidden" },
  "org.invitations.list": {
    method: "GET",
    path: () => "/api/orgs/acme/invitations",
    right: "carol",
    other: "hidden",
  },
  "org.invitations.revoke": {
    method: "DELETE",
    path: (c) => `/api/orgs/acme/invitations/${c.inviteId2}`,
    right: "carol",
    other: "hidden",
  },
  // Anyone signed in asks to join an org (alice's zeta): a stranger gets their own request.
  "org.joinRequests.create": {
    method: "POST",
    path: () => "/api/orgs/zeta/join-requests",
    right: "carol",
    other: "own",
  },
  "org.joinRequests.list": {
    method: "GET",
    path: () => "/api/orgs/acme/join-requests",
    right: "carol",
    other: "hidden",
  },
  "org.joinRequests.decide": {
    method: "POST",
    path: (c) => `/api/orgs/acme/join-requests/${c.joinId}`,
    body: () => ({ decision: "approve" }),
    right: "carol",
    other: "hidden",
  },
  "team.create": {
    method: "POST",
    path: () => "/api/orgs/acme/teams",
    body: () => ({ slug: `t${Math.random().toString(36).slice(2, 9)}` }),
    right: "carol",
    other: "hidden",
  },
  "team.list": { method: "GET", path: () => "/api/orgs/acme/teams", right: "carol", other: "hidden" },
  "team.delete": {
    method: "DELETE",
    path: () => "/api/orgs/acme/teams/gone",
    right: "carol",
    other: "hidden",
  },
  "team.members.list": {
    method: "GET",
    path: () => "/api/orgs/acme/teams/core/members",
    right: "carol",
    other: "hidden",
  },
  "team.members.set": {
    method: "PUT",
    path: (c) => `/api/orgs/acme/teams/core/members/${c.carolId}`,
    body: () => ({ role: "maintainer" }),
    right: "carol",
    other: "hidden",
  },
  "team.members.remove": {
    method: "DELETE",
    path: (c) => `/api/orgs/acme/teams/core/members/${c.hankId}`,
    right: "carol",
    other: "hidden",
  },
  "thread.support.grant": {
    method: "POST",
    path: (c) => `/api/threads/${c.thread}/support-access`,
    right: "carol",
    other: "hidden",
  },
  "thread.support.revoke": {
    method: "DELETE",
    path: (c) => `/api/threads/${c.thread}/support-access`,
    right: "carol",
    other: "hidden",
  },
  // The last code is never taken by auth.device.approve: it stays pending for the /device page's look-up.
  "auth.device.pending": {
    method: "GET",
    path: (c) => `/api/auth/device/pending?user_code=${c.userCodes.at(-1)}`,
    right: "carol",
    other: "own",
  },
  "weaver.create": {
    method: "POST",
    path: () => "/api/weaver",
    body: () => ({ repo: "/srv/repo" }),
    right: "carol",
    other: "own",
  },
  "weaver.list": { method: "GET", path: () => "/api/weavers", right: "carol", other: "own" },
  "weaver.get": { method: "GET", path: (c) => `/api/weaver/${c.weaver}`, right: "carol", other: "hidden" },
  "weaver.delete": {
    method: "DELETE",
    path: (c) => `/api/weaver/${c.weaver2}`,
    right: "carol",
    other: "hidden",
  },
  "weaver.logs": {
    method: "GET",
    path: (c) => `/api/weaver/${c.weaver}/logs`,
    right: "carol",
    other: "hidden",
  },
  "weaver.attach": {
    method: "GET",
    path: (c) => `/api/weaver/${c.weaver}/attach`,
    right: "carol",
    other: "hidden",
    rightStatus: 426,
  },
  "weaver.cleanup": { method: "POST", path: () => "/api/weavers/cleanup", right: "alice", other: "hidden" },
  "usage.report": { method: "GET", path: () => "/api/usage/report", right: "carol", other: "own" },
  "org.usage": { method: "GET", path: () => "/api/orgs/acme/usage", right: "carol", other: "hidden" },
  // Feature flags (server/src/flags/): members read, org admins change; API keys have no flag scope.
  "flags.list": { method: "GET", path: () => "/api/orgs/acme/flags", right: "carol", other: "hidden" },
  "flags.create": {
    method: "POST",
    path: () => "/api/orgs/acme/flags",
    body: () => ({ key: `m.f${Math.random().toString(36).slice(2, 9)}`, kind: "boolean" }),
    right: "carol",
    other: "hidden",
  },
  "flags.get": { method: "GET", path: () => "/api/orgs/acme/flags/m.flag", right: "carol", other: "hidden" },
  "flags.update": {
    method: "PUT",
    path: () => "/api/orgs/acme/flags/m.flag",
    body: () => ({ kind: "boolean" }),
    right: "carol",
    other: "hidden",
  },
  "flags.archive": {
    method: "POST",
    path: () => "/api/orgs/acme/flags/m.arch/archive",
    right: "carol",
    other: "hidden",
  },
  "flags.restore": {
    method: "POST",
    path: () => "/api/orgs/acme/flags/m.rest/restore",
    right: "carol",
    other: "hidden",
  },
  "killswitches.list": {
    method: "GET",
    path: () => "/api/orgs/acme/kill-switches",
    right: "carol",
    other: "hidden",
  },
  "killswitches.put": {
    method: "PUT",
    path: () => "/api/orgs/acme/kill-switches/m.ks",
    body: () => ({ flags: ["m.flag"] }),
    right: "carol",
    other: "hidden",
  },
  "killswitches.activate": {
    method: "POST",
    path: () => "/api/orgs/acme/kill-switches/m.on/activate",
    body: () => ({ reason: "matrix" }),
    right: "carol",
    other: "hidden",
  },
  "killswitches.deactivate": {
    method: "POST",
    path: () => "/api/orgs/acme/kill-switches/m.off/deactivate",
    right: "carol",
    other: "hidden",
  },
  "flagkeys.create": {
    method: "POST",
    path: () => "/api/orgs/acme/flag-keys",
    body: () => ({ name: "k", kind: "server", environment: "prod" }),
    right: "carol",
    other: "hidden",
  },
  "flagkeys.list": { method: "GET", path: () => "/api/orgs/acme/flag-keys", right: "carol", other: "hidden" },
  "flagkeys.revoke": {
    method: "DELETE",
    path: (c) => `/api/orgs/acme/flag-keys/${c.flagKey}`,
    right: "carol",
    other: "hidden",
  },
  "flags.sdk.rules": {
    method: "GET",
    path: () => "/api/flags/rules?org=acme",
    right: "carol",
    other: "hidden",
  },
  "flags.sdk.evaluate": {
    method: "POST",
    path: () => "/api/flags/evaluate?org=acme",
    body: () => ({ context: { targetingKey: "u" } }),
    right: "carol",
    other: "hidden",
  },
  "flags.sdk.stream": {
    method: "GET",
    path: () => "/api/flags/stream?org=acme",
    right: "carol",
    other: "hidden",
  },
  // Analytics ingest: a signed-in caller sends Loom's own events under its own id (an analytics key
  // sends into its org: analytics/analytics.test.ts); reads need an org owner/admin or an rw key.
  "analytics.capture": {
    method: "POST",
    path: () => "/api/analytics/capture",
    body: () => ({ event: "m", distinct_id: "x" }),
    right: "carol",
    other: "own",
  },
  "analytics.batch": {
    method: "POST",
    path: () => "/api/analytics/batch",
    body: () => ({ batch: [{ event: "m", distinct_id: "x" }] }),
    right: "carol",
    other: "own",
  },
  "analytics.identify": {
    method: "POST",
    path: () => "/api/analytics/identify",
    body: () => ({ distinct_id: "x", set: { a: 1 } }),
    right: "carol",
    other: "own",
  },
  "analytics.alias": {
    method: "POST",
    path: () => "/api/analytics/alias",
    body: () => ({ distinct_id: "x", alias: `anon-${Math.random().toString(36).slice(2, 9)}` }),
    right: "carol",
    other: "own",
  },
  "analytics.set": {
    method: "POST",
    path: () => "/api/analytics/set",
    body: () => ({ distinct_id: "x", set: { b: 2 } }),
    right: "carol",
    other: "own",
  },
  "analytics.events": {
    method: "GET",
    path: () => "/api/analytics/events?org=acme",
    right: "carol",
    other: "hidden",
  },
  "analytics.trends": {
    method: "GET",
    path: () => "/api/analytics/trends?org=acme",
    right: "carol",
    other: "hidden",
  },
  "analytics.funnel": {
    method: "GET",
    path: () => "/api/analytics/funnel?org=acme&steps=a,b",
    right: "carol",
    other: "hidden",
  },
  "analytics.export": {
    method: "GET",
    path: () => "/api/analytics/export?org=acme",
    right: "carol",
    other: "hidden",
  },
  "analytics.keys.create": {
    method: "POST",
    path: () => "/api/analytics/keys",
    body: () => ({ org: "acme", kind: "write", name: "k" }),
    right: "carol",
    other: "hidden",
  },
  "analytics.keys.list": {
    method: "GET",
    path: () => "/api/analytics/keys?org=acme",
    right: "carol",
    other: "hidden",
  },
  "analytics.keys.revoke": {
    method: "DELETE",
    path: (c) => `/api/analytics/keys/${c.analyticsKey}`,
    right: "carol",
    other: "hidden",
  },
  "thread.shareLinks.create": {
    method: "POST",
    path: (c) => `/api/threads/${c.thread}/share-links`,
    body: () => ({}),
    right: "carol",
    other: "hidden",
  },
  "thread.shareLinks.list": {
    method: "GET",
    path: (c) => `/api/threads/${c.thread}/share-links`,
    right: "carol",
    other: "hidden",
  },
  "thread.shareLinks.revoke": {
    method: "DELETE",
    path: (c) => `/api/threads/${c.thread}/share-links/${c.shareLink}`,
    right: "carol",
    other: "hidden",
  },
  // Open: the token is the credential (share.test.ts covers live, expired, revoked and unknown links).
  "thread.shared.get": {
    method: "GET",
    path: () => `/api/shared/${"0".repeat(48)}`,
    right: "carol",
    other: "own",
    open: true,
  },
  // alice is support staff too (set below): she lists the threads shared with support.
  "thread.support.list": {
    method: "GET",
    path: () => "/api/threads/support-access",
    right: "alice",
    other: "hidden",
  },
  "proxy.anthropic.models": {
    method: "GET",
    path: () => "/proxy/anthropic/v1/models",
    right: "carol",
    other: "own",
  },
  "proxy.openai.models": {
    method: "GET",
    path: () => "/proxy/openai/v1/models",
    right: "carol",
    other: "own",
  },
  "proxy.anthropic.model": {
    method: "GET",
    path: () => "/proxy/anthropic/v1/models/m",
    right: "carol",
    other: "own",
  },
  "proxy.openai.model": {
    method: "GET",
    path: () => "/proxy/openai/v1/models/m",
    right: "carol",
    other: "own",
  },
};

forEachBackend(({ kind, testApp }) => {
  describe(`route matrix [${kind}]`, () => {
    test("every route: 401 without credentials, nothing of another user's, 403 for a key without scope, 2xx for the right principal", async () => {
      const h = await testApp({
        weavers: createWeaverService({
          driver: memoryDriver(),
          tokenKey: new Uint8Array(32).fill(1),
          serverUrl: () => "http://127.0.0.1:9",
          log: silentLogger,
          settings: { maxPerUser: 100 },
        }),
        providers: { anthropic: provider },
        upstreams: {
          anthropic: {
            name: "anthropic",
            apiKey: new Secret("sk-ant-test-0000000000"),
            baseUrl: "http://up.invalid",
            passthrough: true,
          },
          openai: {
            name: "openai",
            apiKey: new Secret("sk-openai-test-000000000"),
            baseUrl: "http://up.invalid/v1",
            passthrough: true,
          },
        },
        fetch: (async () =>
          new Response('{"id":"x","usage":{}}', {
            headers: { "content-type": "application/json" },
          })) as unknown as typeof fetch,
      });
      const kit = createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens });
      const carolUser = await kit.userForVerifiedEmail("carol@example.com");
      const eve = await kit.userForVerifiedEmail("eve@example.com");
      const frank = await kit.userForVerifiedEmail("frank@example.com");
      const carol = (await kit.startSession(carolUser.id, "cli", new Request("http://x"))).secret;
      const session2 = (await kit.startSession(carolUser.id, "cli", new Request("http://x"))).session.id;
      const danUser = await kit.userForVerifiedEmail("dan@example.com");
      const dan = (await kit.startSession(danUser.id, "cli", new Request("http://x"))).secret;
      const as = (token: string | undefined, c: Case, ctx: Ctx) =>
        h.call(c.method, c.path(ctx), { token, body: c.body?.(ctx), headers: c.headers });

      expect((await h.call("POST", "/api/orgs", { token: carol, body: { slug: "acme" } })).status).toBe(201);
      await h.call("PUT", `/api/orgs/acme/members/${frank.id}`, { token: carol, body: { role: "member" } });
      const mk = async (scopes: string[]) =>
        (await (
          await h.call("POST", "/api/orgs/acme/api-keys", { token: carol, body: { name: "k", scopes } })
        ).json()) as {
          key: string;
          id: string;
        };
      const keyNone = (await mk(["tools:use"])).key;
      const key3 = (await mk(["threads:read"])).id;
      const t1 = sampleThread({ title: MARK, visibility: "private" });
      const t2 = sampleThread({ title: MARK, visibility: "private" });
      for (const t of [t1, t2])
        expect((await h.call("PUT", `/api/threads/${t.id}`, { token: carol, body: t })).status).toBe(201);
      // Teams, a join request, a second invitation, zeta (alice's org) and a support grant.
      const acme = (await h.backend.accounts.orgs.get("acme"))?.id as string;
      const hank = await kit.userForVerifiedEmail("hank@example.com");
      const gina = await kit.userForVerifiedEmail("gina@example.com");
      await h.backend.accounts.orgs.setMember(acme, hank.id, "member");
      for (const slug of ["core", "gone"])
        expect((await h.call("POST", "/api/orgs/acme/teams", { token: carol, body: { slug } })).status).toBe(
          201,
        );
      expect(
        (
          await h.call("PUT", `/api/orgs/acme/teams/core/members/${hank.id}`, {
            token: carol,
            body: { role: "member" },
          })
        ).status,
      ).toBe(200);
      const joinId = (await h.backend.accounts.joinRequests.create(acme, gina.id)).request.id;
      const inviteId2 = (
        (await (
          await h.call("POST", "/api/orgs/acme/invitations", {
            token: carol,
            body: { email: "x@example.com" },
          })
        ).json()) as { id: string }
      ).id;
      expect((await h.call("POST", "/api/orgs", { token: h.alice, body: { slug: "zeta" } })).status).toBe(
        201,
      );
      expect((await h.call("POST", `/api/threads/${t1.id}/support-access`, { token: carol })).status).toBe(
        201,
      );
      const aliceId = (
        (await (await h.call("GET", "/api/auth/me", { token: h.alice })).json()) as { userId: string }
      ).userId;
      await h.backend.accounts.users.setRoles(aliceId, ["system_admin", "support"]);
      const userCodes: string[] = [];
      for (let i = 0; i < 5; i++)
        userCodes.push(
          ((await (await h.call("POST", "/api/auth/device/code")).json()) as { user_code: string }).user_code,
        );
      const weaver = async () =>
        (
          (await (
            await h.call("POST", "/api/weaver", { token: carol, body: { repo: "/srv/r" } })
          ).json()) as { id: string }
        ).id;
      const analyticsKey = (
        (await (
          await h.call("POST", "/api/analytics/keys", {
            token: carol,
            body: { org: "acme", kind: "rw", name: "a" },
          })
        ).json()) as { id: string }
      ).id;
      const shareLink = (
        (await (
          await h.call("POST", `/api/threads/${t1.id}/share-links`, { token: carol, body: {} })
        ).json()) as { id: string }
      ).id;
      const ctx: Ctx = {
        shareLink,
        analyticsKey,
        weaver: await weaver(),
        weaver2: await weaver(),
        userCodes,
        carol,
        alice: h.alice,
        thread: t1.id,
        thread2: t2.id,
        carolId: carolUser.id,
        eveId: eve.id,
        frankId: frank.id,
        session2,
        key3,
        inviteId2,
        joinId,
        hankId: hank.id,
        // To an org carol is not in (inviting a member is refused): alice's yota.
        invite: await (async () => {
          await h.call("POST", "/api/orgs", { token: h.alice, body: { slug: "yota" } });
          const res = await h.call("POST", "/api/orgs/yota/invitations", {
            token: h.alice,
            body: { email: "carol@example.com" },
          });
          return ((await res.json()) as { token: string }).token;
        })(),
      };

      // Flags the flag cases act on (m.arch is archived once, m.rest restored once, m.off turned off once).
      for (const key of ["m.flag", "m.arch", "m.rest"])
        await h.call("POST", "/api/orgs/acme/flags", { token: carol, body: { key, kind: "boolean" } });
      await h.call("POST", "/api/orgs/acme/flags/m.rest/archive", { token: carol });
      await h.call("POST", "/api/orgs/acme/kill-switches/m.off/activate", {
        token: carol,
        body: { reason: "r" },
      });
      ctx.flagKey = (
        (await (
          await h.call("POST", "/api/orgs/acme/flag-keys", {
            token: carol,
            body: { name: "k", kind: "server", environment: "prod" },
          })
        ).json()) as { id: string }
      ).id;

      const doc = (await (await h.call("GET", "/api/openapi.json")).json()) as {
        paths: Record<string, Record<string, { operationId?: string }>>;
      };
      const ops = Object.values(doc.paths).flatMap((m) => Object.values(m).map((o) => o.operationId ?? "?"));
      expect(ops.filter((o) => !CASES[o])).toEqual([]);

      const problems: string[] = [];
      // The logout case would end carol's session: it runs last, and events are read only for the status.
      const order = ops
        .filter((o) => o !== "auth.logout")
        .concat(ops.includes("auth.logout") ? ["auth.logout"] : []);
      for (const op of order) {
        const c = CASES[op] as Case;
        const noCred = await as(undefined, c, ctx);
        if (!c.open && noCred.status !== 401) problems.push(`${op}: no credentials → ${noCred.status}`);
        await noCred.body?.cancel();
        if (c.open) continue;

        const other = await as(dan, c, ctx);
        const streams = op === "thread.events" || op === "flags.sdk.stream";
        const text = streams ? "" : await other.text();
        if (streams) await other.body?.cancel();
        if (c.other === "hidden" && other.status !== 403 && other.status !== 404)
          problems.push(`${op}: another user → ${other.status}`);
        if (c.other === "own" && (other.status >= 300 || text.includes(MARK) || text.includes(carolUser.id)))
          problems.push(`${op}: another user → ${other.status} ${text.slice(0, 80)}`);

        const key = await as(keyNone, c, ctx);
        const expectKey = op === "auth.me" ? 200 : 403;
        if (key.status !== expectKey) problems.push(`${op}: key without scope → ${key.status}`);
        await key.body?.cancel();

        const right = await as(c.right === "carol" ? carol : h.alice, c, ctx);
        if (c.rightStatus !== undefined) {
          if (right.status !== c.rightStatus) problems.push(`${op}: right principal → ${right.status}`);
          await right.body?.cancel();
        } else if (right.status < 200 || right.status >= 300)
          problems.push(`${op}: right principal → ${right.status} ${(await right.text()).slice(0, 120)}`);
        else await right.body?.cancel();
      }
      expect(problems).toEqual([]);
    });
  });
});
