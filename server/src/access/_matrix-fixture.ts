/**
 * The route matrix's world (`matrix.test.ts`): an app whose weavers, providers and upstreams answer
 * without a network, and carol (owner of org acme, its teams, keys, flags, threads, weavers, share
 * links), dan (a stranger), alice (system_admin, owner of zeta) and the ids and tokens the cases
 * name in their paths and bodies.
 */
import { expect } from "bun:test";
import type { LlmClient, LlmResponse } from "@loom/runtime/llm";
import { Secret } from "@loom/runtime/secret";
import type { TestApp, TestAppOptions } from "../_backends.ts";
import { sampleThread } from "../_test-helpers.ts";
import { createAuthKit } from "../auth/kit.ts";
import { silentLogger } from "../logger.ts";
import { memoryDriver } from "../weavers/_memory-driver.ts";
import { createWeaverService } from "../weavers/service.ts";

/** In carol's thread titles: a stranger's answer must never contain it. */
export const MARK = "CAROLSECRETMARK";
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

/** What the cases' paths and bodies name. */
export interface Ctx {
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

export interface Case {
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

/** The app's options: weavers on the memory driver, a provider and upstreams that answer at once. */
export function matrixAppOptions(): TestAppOptions {
  return {
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
  };
}

export interface MatrixWorld {
  ctx: Ctx;
  /** carol's user id (never in a stranger's answer). */
  carolUserId: string;
  /** A session secret of dan, a user in no org. */
  dan: string;
  /** An acme API key with only `tools:use`. */
  keyNone: string;
}

/** Users, sessions, org acme with members, teams, invitations, keys, threads, weavers, flags. */
export async function seedMatrix(h: TestApp): Promise<MatrixWorld> {
  const kit = createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens });
  /** The JSON answer of a POST. */
  const post = async <T>(path: string, token?: string, body?: unknown) =>
    (await (await h.call("POST", path, { token, body })).json()) as T;
  const carolUser = await kit.userForVerifiedEmail("carol@example.com");
  const eve = await kit.userForVerifiedEmail("eve@example.com");
  const frank = await kit.userForVerifiedEmail("frank@example.com");
  const carol = (await kit.startSession(carolUser.id, "cli", new Request("http://x"))).secret;
  const session2 = (await kit.startSession(carolUser.id, "cli", new Request("http://x"))).session.id;
  const danUser = await kit.userForVerifiedEmail("dan@example.com");
  const dan = (await kit.startSession(danUser.id, "cli", new Request("http://x"))).secret;

  expect((await h.call("POST", "/api/orgs", { token: carol, body: { slug: "acme" } })).status).toBe(201);
  await h.call("PUT", `/api/orgs/acme/members/${frank.id}`, { token: carol, body: { role: "member" } });
  const mk = (scopes: string[]) =>
    post<{ key: string; id: string }>("/api/orgs/acme/api-keys", carol, { name: "k", scopes });
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
    expect((await h.call("POST", "/api/orgs/acme/teams", { token: carol, body: { slug } })).status).toBe(201);
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
    await post<{ id: string }>("/api/orgs/acme/invitations", carol, { email: "x@example.com" })
  ).id;
  expect((await h.call("POST", "/api/orgs", { token: h.alice, body: { slug: "zeta" } })).status).toBe(201);
  expect((await h.call("POST", `/api/threads/${t1.id}/support-access`, { token: carol })).status).toBe(201);
  // alice is support staff too: she lists the threads shared with support.
  const aliceId = (
    (await (await h.call("GET", "/api/auth/me", { token: h.alice })).json()) as { userId: string }
  ).userId;
  await h.backend.accounts.users.setRoles(aliceId, ["system_admin", "support"]);
  const userCodes: string[] = [];
  for (let i = 0; i < 5; i++)
    userCodes.push((await post<{ user_code: string }>("/api/auth/device/code")).user_code);
  const weaver = async () => (await post<{ id: string }>("/api/weaver", carol, { repo: "/srv/r" })).id;
  const analyticsKey = (
    await post<{ id: string }>("/api/analytics/keys", carol, { org: "acme", kind: "rw", name: "a" })
  ).id;
  const shareLink = (await post<{ id: string }>(`/api/threads/${t1.id}/share-links`, carol, {})).id;
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
      return (
        await post<{ token: string }>("/api/orgs/yota/invitations", h.alice, { email: "carol@example.com" })
      ).token;
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
    await post<{ id: string }>("/api/orgs/acme/flag-keys", carol, {
      name: "k",
      kind: "server",
      environment: "prod",
    })
  ).id;

  return { ctx, carolUserId: carolUser.id, dan, keyNone };
}
