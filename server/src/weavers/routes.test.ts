/**
 * The weaver routes over an in-memory driver: ttl and env checks, the limits (429), who sees which
 * weaver, the weaver's own token (what it may call, dying with its weaver and at its expiry), the
 * attach route without a WebSocket, logs as SSE, the admins' cleanup, signed webhooks.
 */
import { describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { forEachBackend } from "../_backends.ts";
import { sampleThread } from "../_test-helpers.ts";
import { createAuthKit } from "../auth/kit.ts";
import { silentLogger } from "../logger.ts";
import { memoryDriver } from "./_memory-driver.ts";
import { createWeaverService } from "./service.ts";
import { createWebhooks, signWebhook } from "./webhooks.ts";

let now = new Date("2026-12-03T10:00:00Z");
const clock = () => now;

forEachBackend(({ kind, testApp }) => {
  describe(`weaver routes [${kind}]`, () => {
    test("create, limits, visibility, tokens, logs, attach, cleanup", async () => {
      const driver = memoryDriver(clock);
      const weavers = createWeaverService({
        driver,
        tokenKey: new Uint8Array(32).fill(7),
        serverUrl: () => "http://127.0.0.1:9",
        settings: { maxPerUser: 2, maxPerOrg: 3, maxTotal: 4, model: "m1" },
        log: silentLogger,
        clock,
      });
      const h = await testApp({ weavers, clock });
      const kit = createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens });
      const session = async (email: string) => {
        const u = await kit.userForVerifiedEmail(email);
        return { id: u.id, token: (await kit.startSession(u.id, "cli", new Request("http://x"))).secret };
      };
      const carol = await session("carol@example.com");
      const dan = await session("dan@example.com");
      const erin = await session("erin@example.com");
      const json = async (r: Response) => [r.status, await r.json()] as const;
      const create = (token: string, body: Record<string, unknown>) =>
        h.call("POST", "/api/weaver", { token, body });

      // ttl: default 4 h, at most 48 h, a duration; env: not the weaver's own credential.
      const [s1, w1] = await json(await create(carol.token, { repo: "/srv/repo", branch: "main" }));
      expect(s1).toBe(201);
      expect(w1.id).toMatch(/^weaver-[0-9a-f-]{36}$/);
      expect(Date.parse(w1.expiresAt) - Date.parse(w1.createdAt)).toBe(4 * 3600_000);
      expect((await json(await create(carol.token, { repo: "r", ttl: "49h" })))[1].error.message).toBe(
        "ttl 49h is longer than the 48 h a weaver may live",
      );
      expect((await create(carol.token, { repo: "r", ttl: "soon" })).status).toBe(400);
      expect(
        (await json(await create(carol.token, { repo: "r", env: { LOOM_TOKEN: "x" } })))[1].error.message,
      ).toBe("env LOOM_TOKEN: not a variable a weaver may be given");
      const spec = driver.specs.get(w1.id);
      expect(spec?.env?.LOOM_SERVER_URL).toBe("http://127.0.0.1:9");
      expect(spec?.env?.LOOM_AGENT__MODEL).toBe("m1");
      const weaverToken = spec?.env?.LOOM_TOKEN ?? "";
      expect(weaverToken).toStartWith("lw_");

      // Limits: two per user, then 429 naming the setting.
      expect((await create(carol.token, { repo: "r", ttl: "8h" })).status).toBe(201);
      const [s3, e3] = await json(await create(carol.token, { repo: "r" }));
      expect([s3, e3.error.code]).toEqual([429, "WEAVER_LIMIT"]);
      expect(e3.error.message).toContain("[weavers] max_per_user = 2");
      // A finished weaver does not count.
      driver.set(w1.id, { status: "succeeded" });
      expect((await create(carol.token, { repo: "r" })).status).toBe(201);
      driver.set(w1.id, { status: "running" });
      expect((await create(dan.token, { repo: "r" })).status).toBe(201);
      const [s5, e5] = await json(await create(erin.token, { repo: "r" }));
      expect([s5, e5.error.message]).toEqual([429, expect.stringContaining("[weavers] max_total = 4")]);

      // Visibility: mine only; another user's is 404; an org admin sees the org's.
      const list = async (token: string) =>
        (
          (await (await h.call("GET", "/api/weavers", { token })).json()) as { items: { id: string }[] }
        ).items.map((w) => w.id);
      expect(await list(carol.token)).toHaveLength(3);
      expect(await list(dan.token)).toHaveLength(1);
      expect((await h.call("GET", `/api/weaver/${w1.id}`, { token: dan.token })).status).toBe(404);
      expect((await h.call("DELETE", `/api/weaver/${w1.id}`, { token: dan.token })).status).toBe(404);
      expect((await h.call("POST", "/api/orgs", { token: erin.token, body: { slug: "acme" } })).status).toBe(
        201,
      );
      const org = (
        (await (await h.call("GET", "/api/orgs", { token: erin.token })).json()) as {
          items: { id: string }[];
        }
      ).items[0]?.id;
      await h.call("PUT", `/api/orgs/acme/members/${dan.id}`, {
        token: erin.token,
        body: { role: "member" },
      });
      await h.call("DELETE", `/api/weaver/${w1.id}`, { token: carol.token });
      const [so, wo] = await json(await create(dan.token, { repo: "r", orgId: org }));
      expect(so).toBe(201);
      expect((await create(carol.token, { repo: "r", orgId: org })).status).toBe(403);
      expect(await list(erin.token)).toEqual([wo.id]);
      expect((await h.call("GET", `/api/weaver/${wo.id}/attach`, { token: erin.token })).status).toBe(403);

      // The weaver's token: the proxy, its owner's threads by id, who-am-I; nothing else; gone with the weaver.
      const w2 = (await list(carol.token))[0] as string;
      const wt = driver.specs.get(w2)?.env?.LOOM_TOKEN ?? "";
      const me = await h.call("GET", "/api/auth/me", { token: wt });
      expect([me.status, ((await me.json()) as { userId: string }).userId]).toEqual([200, carol.id]);
      const t = sampleThread({ visibility: "private" });
      expect((await h.call("PUT", `/api/threads/${t.id}`, { token: wt, body: t })).status).toBe(201);
      expect((await h.call("GET", `/api/threads/${t.id}`, { token: carol.token })).status).toBe(200);
      expect((await h.call("GET", "/api/threads", { token: wt })).status).toBe(403);
      expect((await h.call("GET", "/api/weavers", { token: wt })).status).toBe(403);
      expect((await h.call("POST", "/api/orgs", { token: wt, body: { slug: "x" } })).status).toBe(403);
      expect((await h.call("GET", "/api/auth/me", { token: `${wt.slice(0, -2)}xx` })).status).toBe(401);
      now = new Date(now.getTime() + 9 * 3600_000);
      expect((await h.call("GET", "/api/auth/me", { token: wt })).status).toBe(401);
      now = new Date("2026-12-03T10:00:00Z");
      await h.call("DELETE", `/api/weaver/${w2}`, { token: carol.token });
      expect((await h.call("GET", "/api/auth/me", { token: wt })).status).toBe(401);

      // Logs: SSE { line, timestamp }, tail; attach without a WebSocket: 426.
      const logs = await h.call("GET", `/api/weaver/${wo.id}/logs?tail=1`, { token: dan.token });
      expect(logs.headers.get("content-type")).toBe("text/event-stream");
      const events = (await logs.text()).split("\n").filter((l) => l.startsWith("data: "));
      expect(events.map((l) => JSON.parse(l.slice(6)).line)).toEqual(["ready"]);
      const att = await h.call("GET", `/api/weaver/${wo.id}/attach`, { token: dan.token });
      expect([att.status, ((await att.json()) as { error: { code: string } }).error.code]).toEqual([
        426,
        "UPGRADE_REQUIRED",
      ]);

      // Cleanup: system admins only; removes the expired ones.
      expect((await h.call("POST", "/api/weavers/cleanup", { token: carol.token })).status).toBe(403);
      now = new Date(now.getTime() + 5 * 3600_000);
      const [sc, cleaned] = await json(await h.call("POST", "/api/weavers/cleanup", { token: h.alice }));
      expect(sc).toBe(200);
      expect(cleaned.deleted).toContain(wo.id);
      expect((await h.call("GET", `/api/weaver/${wo.id}`, { token: dan.token })).status).toBe(404);
      now = new Date("2026-12-03T10:00:00Z");
    });
  });
});

test("webhooks: each event is POSTed with an HMAC-SHA256 signature of its body", async () => {
  const got: { body: string; sig: string | null; event: string | null }[] = [];
  const hooks = createWebhooks({
    urls: ["http://hooks.invalid/a"],
    secret: "s3cret-s3cret-s3cret",
    log: silentLogger,
    fetch: (async (_u: string, init: RequestInit) => {
      const headers = new Headers(init.headers);
      got.push({
        body: String(init.body),
        sig: headers.get("x-loom-signature"),
        event: headers.get("x-loom-event"),
      });
      return new Response(null, { status: 204 });
    }) as unknown as typeof fetch,
  });
  const w = {
    id: "weaver-1",
    owner: { userId: "u" },
    repo: "r",
    status: "running" as const,
    createdAt: "a",
    expiresAt: "b",
  };
  hooks.send("weaver.ready", w);
  await hooks.idle();
  expect(got).toHaveLength(1);
  const first = got[0] as (typeof got)[number];
  expect(first.event).toBe("weaver.ready");
  expect(JSON.parse(first.body)).toMatchObject({ event: "weaver.ready", weaver: w });
  expect(first.sig).toBe(
    `sha256=${createHmac("sha256", "s3cret-s3cret-s3cret").update(first.body).digest("hex")}`,
  );
  expect(signWebhook("k", "{}")).toBe(`sha256=${createHmac("sha256", "k").update("{}").digest("hex")}`);
});
