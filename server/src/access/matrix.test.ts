/**
 * Walks every operation of the OpenAPI document (an operation missing from CASES fails the test):
 * no credentials → 401; another user's credentials → 403/404, or their own (empty) view without the
 * owner's data; an API key without the scope → 403; the right principal → 2xx. The world the cases
 * act on (users, org acme, keys, threads, flags, weavers…) is made by `_matrix-fixture.ts`: a new
 * case that needs a record adds it there, and its id to `Ctx`.
 */
import { describe, expect, test } from "bun:test";
import { forEachBackend } from "../_backends.ts";
import { sampleThread } from "../_test-helpers.ts";
import { type Case, type Ctx, MARK, matrixAppOptions, seedMatrix } from "./_matrix-fixture.ts";

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
      const h = await testApp(matrixAppOptions());
      const { ctx, carolUserId, dan, keyNone } = await seedMatrix(h);
      const { carol } = ctx;
      const as = (token: string | undefined, c: Case, ctx: Ctx) =>
        h.call(c.method, c.path(ctx), { token, body: c.body?.(ctx), headers: c.headers });

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
        if (c.other === "own" && (other.status >= 300 || text.includes(MARK) || text.includes(carolUserId)))
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
