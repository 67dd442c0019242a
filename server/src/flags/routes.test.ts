import { describe, expect, test } from "bun:test";
import { BACKENDS, forEachBackend, type TestApp } from "../_backends.ts";
import { createApp } from "../app.ts";
import { createAuthKit } from "../auth/kit.ts";
import { createTestDatabase, dropTestDatabase, usePgCluster } from "../db/pg/_test-cluster.ts";
import { pgBackend } from "../db/pg/backend.ts";
import { silentLogger } from "../logger.ts";
import { sseReader } from "./_sse-reader.ts";

async function people(h: TestApp) {
  const kit = createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens });
  const session = async (email: string) => {
    const u = await kit.userForVerifiedEmail(email);
    return { id: u.id, token: (await kit.startSession(u.id, "cli", new Request("http://x"))).secret };
  };
  const owner = await session("owner@example.com");
  const member = await session("member@example.com");
  const stranger = await session("stranger@example.com");
  expect((await h.call("POST", "/api/orgs", { token: owner.token, body: { slug: "acme" } })).status).toBe(
    201,
  );
  await h.call("PUT", `/api/orgs/acme/members/${member.id}`, {
    token: owner.token,
    body: { role: "member" },
  });
  return { owner: owner.token, member: member.token, stranger: stranger.token, ownerId: owner.id };
}

const json = async <T = Record<string, unknown>>(r: Response | Promise<Response>) =>
  (await (await r).json()) as T;

forEachBackend(({ kind, testApp }) => {
  describe(`flag routes [${kind}]`, () => {
    test("CRUD, archive/restore, validation, version conflicts, prerequisites without cycles", async () => {
      const h = await testApp();
      const { owner, member, stranger } = await people(h);
      const call = (m: string, p: string, body?: unknown, token = owner) => h.call(m, p, { token, body });

      const made = await json(
        call("POST", "/api/orgs/acme/flags", { key: "checkout.new_flow", kind: "boolean" }),
      );
      expect(made).toMatchObject({
        key: "checkout.new_flow",
        version: 1,
        offVariant: "off",
        environments: { dev: { enabled: false }, prod: { enabled: false, defaultVariant: "on" } },
      });
      expect(
        (await call("POST", "/api/orgs/acme/flags", { key: "checkout.new_flow", kind: "boolean" })).status,
      ).toBe(409);
      for (const key of ["ab", "Bad.Key", "a..b", "x".repeat(101)]) {
        const r = await call("POST", "/api/orgs/acme/flags", { key, kind: "boolean" });
        expect(r.status).toBe(400);
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe("INVALID_INPUT");
      }
      // Multi-variant with JSON payloads; a rule naming an unknown variant is refused in one line.
      const theme = {
        key: "ui.theme",
        kind: "multivariate",
        variants: [
          { key: "classic", value: { color: "grey" } },
          { key: "bold", value: { color: "red", weight: 700 } },
        ],
        offVariant: "classic",
        environments: {
          prod: {
            enabled: true,
            defaultVariant: "classic",
            rules: [
              { conditions: [{ attribute: "plan", operator: "equals", value: "pro" }], variant: "bold" },
            ],
          },
          dev: { enabled: true, defaultVariant: "bold", rules: [] },
        },
      };
      expect((await call("POST", "/api/orgs/acme/flags", theme)).status).toBe(201);
      const bad = await call("PUT", "/api/orgs/acme/flags/ui.theme", {
        ...theme,
        environments: {
          prod: { enabled: true, defaultVariant: "classic", rules: [{ conditions: [], variant: "neon" }] },
        },
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { message: string } }).error.message).toBe(
        'prod rule 1: unknown variant "neon"',
      );

      // Members read, only admins write; strangers see nothing.
      expect((await call("GET", "/api/orgs/acme/flags", undefined, member)).status).toBe(200);
      expect((await call("PUT", "/api/orgs/acme/flags/ui.theme", theme, member)).status).toBe(403);
      expect((await call("GET", "/api/orgs/acme/flags", undefined, stranger)).status).toBe(404);

      // Optimistic concurrency on update.
      const v2 = await json(
        call("PUT", "/api/orgs/acme/flags/ui.theme", { ...theme, description: "colours", version: 1 }),
      );
      expect(v2).toMatchObject({ version: 2, description: "colours" });
      const stale = await call("PUT", "/api/orgs/acme/flags/ui.theme", { ...theme, version: 1 });
      expect(stale.status).toBe(412);
      expect(await stale.json()).toMatchObject({ error: { code: "CONFLICT", version: 2 } });

      // Prerequisites must exist and never form a cycle.
      const withPre = (flag: string) => ({ kind: "boolean", prerequisites: [{ flag }] });
      expect((await call("PUT", "/api/orgs/acme/flags/checkout.new_flow", withPre("no.such"))).status).toBe(
        400,
      );
      expect(
        (await call("POST", "/api/orgs/acme/flags", { key: "pay.v2", ...withPre("checkout.new_flow") }))
          .status,
      ).toBe(201);
      const cyc = await call("PUT", "/api/orgs/acme/flags/checkout.new_flow", withPre("pay.v2"));
      expect(cyc.status).toBe(400);
      expect(((await cyc.json()) as { error: { message: string } }).error.message).toContain(
        "checkout.new_flow → pay.v2 → checkout.new_flow",
      );

      // Archive hides a flag from the list (not from ?archived=true); restore brings it back.
      expect((await json(call("POST", "/api/orgs/acme/flags/ui.theme/archive"))).archivedAt).toBeString();
      expect((await call("POST", "/api/orgs/acme/flags/ui.theme/archive")).status).toBe(404);
      const live = await json<{ items: { key: string }[] }>(call("GET", "/api/orgs/acme/flags"));
      expect(live.items.map((f) => f.key)).toEqual(["checkout.new_flow", "pay.v2"]);
      const all = await json<{ items: { key: string }[] }>(call("GET", "/api/orgs/acme/flags?archived=true"));
      expect(all.items.map((f) => f.key)).toEqual(["checkout.new_flow", "pay.v2", "ui.theme"]);
      expect((await json(call("POST", "/api/orgs/acme/flags/ui.theme/restore"))).archivedAt).toBeNull();
      const audit = await h.rows<{ action: string }>(
        "SELECT action FROM audit_log WHERE action LIKE 'flag.%' ORDER BY id",
      );
      expect(audit.map((a) => a.action)).toEqual([
        "flag.create",
        "flag.create",
        "flag.update",
        "flag.create",
        "flag.archive",
        "flag.restore",
      ]);
    });

    test("SDK keys: shown once and stored hashed; server keys read rules, client keys only values; revoked keys stop", async () => {
      const h = await testApp();
      const { owner, member } = await people(h);
      const call = (m: string, p: string, body?: unknown, token = owner) => h.call(m, p, { token, body });
      await call("POST", "/api/orgs/acme/flags", {
        key: "beta.search",
        kind: "boolean",
        environments: {
          prod: {
            enabled: true,
            defaultVariant: "off",
            rules: [
              { conditions: [{ attribute: "plan", operator: "in", value: ["pro", "team"] }], variant: "on" },
            ],
          },
          dev: { enabled: true, defaultVariant: "on", rules: [] },
        },
      });
      const server = await json<{ key: string; id: string }>(
        call("POST", "/api/orgs/acme/flag-keys", { name: "api", kind: "server", environment: "prod" }),
      );
      const client = await json<{ key: string }>(
        call("POST", "/api/orgs/acme/flag-keys", { name: "web", kind: "client", environment: "dev" }),
      );
      expect(server.key).toMatch(/^loom_sdk_server_prod_[0-9a-f]{64}$/);
      expect(client.key).toMatch(/^loom_sdk_client_dev_[0-9a-f]{64}$/);
      const stored = JSON.stringify(await h.rows("SELECT * FROM flag_sdk_keys"));
      expect(stored).not.toContain(server.key.slice(-64));
      const listed = JSON.stringify(await json(call("GET", "/api/orgs/acme/flag-keys")));
      expect(listed).not.toContain(server.key.slice(-64));
      expect((await call("GET", "/api/orgs/acme/flag-keys", undefined, member)).status).toBe(403);

      const rules = await json<{ environment: string; flags: Record<string, { rules: unknown[] }> }>(
        h.call("GET", "/api/flags/rules", { token: server.key }),
      );
      expect(rules.environment).toBe("prod");
      expect(rules.flags["beta.search"]?.rules).toHaveLength(1);
      expect((await h.call("GET", "/api/flags/rules", { token: client.key })).status).toBe(403);
      const values = await json<{ items: { key: string; value: unknown; reason: string }[] }>(
        h.call("POST", "/api/flags/evaluate", {
          token: client.key,
          body: { context: { targetingKey: "u1" } },
        }),
      );
      expect(values).toMatchObject({
        environment: "dev",
        items: [{ key: "beta.search", value: true, reason: "DEFAULT" }],
      });
      const prod = await json<{ items: { value: unknown; reason: string }[] }>(
        h.call("POST", "/api/flags/evaluate", {
          token: server.key,
          body: { context: { plan: "team" }, flags: ["beta.search", "nope.nope"] },
        }),
      );
      expect(prod.items).toMatchObject([
        { value: true, reason: "TARGETING_MATCH" },
        { reason: "ERROR", errorCode: "FLAG_NOT_FOUND" },
      ]);
      // A member reads rules naming the org; an SDK key is no credential elsewhere.
      expect(
        (await h.call("GET", "/api/flags/rules?org=acme&environment=dev", { token: member })).status,
      ).toBe(200);
      expect((await h.call("GET", "/api/flags/rules", { token: member })).status).toBe(400);
      expect((await h.call("GET", "/api/threads", { token: server.key })).status).toBe(401);

      expect((await call("DELETE", `/api/orgs/acme/flag-keys/${server.id}`)).status).toBe(204);
      expect((await h.call("GET", "/api/flags/rules", { token: server.key })).status).toBe(401);
    });

    test("kill switches turn their flags off everywhere, with the reason in the audit log", async () => {
      const h = await testApp();
      const { owner } = await people(h);
      const call = (m: string, p: string, body?: unknown) => h.call(m, p, { token: owner, body });
      const on = { enabled: true, defaultVariant: "on", rules: [] };
      await call("POST", "/api/orgs/acme/flags", {
        key: "beta.search",
        kind: "boolean",
        environments: { dev: on, prod: on },
      });
      expect(
        (await call("PUT", "/api/orgs/acme/kill-switches/ops.search_outage", { flags: ["beta.search"] }))
          .status,
      ).toBe(200);
      const value = async (env: string) =>
        (
          await json<{ items: { value: unknown; reason: string; killSwitch?: string }[] }>(
            h.call("POST", `/api/flags/evaluate?org=acme&environment=${env}`, { token: owner, body: {} }),
          )
        ).items[0];
      expect(await value("prod")).toMatchObject({ value: true });
      expect((await call("POST", "/api/orgs/acme/kill-switches/ops.search_outage/activate", {})).status).toBe(
        400,
      );
      const ks = await json(
        call("POST", "/api/orgs/acme/kill-switches/ops.search_outage/activate", {
          reason: "search cluster down",
        }),
      );
      expect(ks).toMatchObject({ active: true, reason: "search cluster down" });
      for (const env of ["dev", "prod"])
        expect(await value(env)).toMatchObject({
          value: false,
          reason: "DISABLED",
          killSwitch: "ops.search_outage",
        });
      expect(
        (await call("POST", "/api/orgs/acme/kill-switches/ops.search_outage/activate", { reason: "again" }))
          .status,
      ).toBe(409);
      // A switch may also be activated before it was set up (tool.<name>.disabled for Loom itself).
      expect(
        (
          await call("POST", "/api/orgs/acme/kill-switches/tool.bash.disabled/activate", {
            reason: "rm -rf incident",
          })
        ).status,
      ).toBe(200);
      expect(
        (await call("POST", "/api/orgs/acme/kill-switches/ops.search_outage/deactivate", { reason: "fixed" }))
          .status,
      ).toBe(200);
      expect(await value("prod")).toMatchObject({ value: true });
      const audit = await h.rows<{ action: string; detail: string }>(
        "SELECT action, detail FROM audit_log WHERE action LIKE 'killswitch.%' ORDER BY id",
      );
      expect(audit.map((a) => [a.action, JSON.parse(a.detail).reason])).toEqual([
        ["killswitch.update", undefined],
        ["killswitch.activate", "search cluster down"],
        ["killswitch.activate", "rm -rf incident"],
        ["killswitch.deactivate", "fixed"],
      ]);
      const list = await json<{ items: { key: string; active: boolean }[] }>(
        call("GET", "/api/orgs/acme/kill-switches"),
      );
      expect(list.items.map((s) => [s.key, s.active])).toEqual([
        ["ops.search_outage", false],
        ["tool.bash.disabled", true],
      ]);
    });

    test("the stream: init, then every change as it happens, and a heartbeat", async () => {
      const h = await testApp({ flagsHeartbeatMs: 50 });
      const { owner } = await people(h);
      const call = (m: string, p: string, body?: unknown) => h.call(m, p, { token: owner, body });
      await call("POST", "/api/orgs/acme/flags", { key: "beta.search", kind: "boolean" });
      const key = (
        await json<{ key: string }>(
          call("POST", "/api/orgs/acme/flag-keys", { name: "s", kind: "server", environment: "prod" }),
        )
      ).key;
      const ctl = new AbortController();
      const s = sseReader(
        await h.app.handle(
          new Request("http://localhost/api/flags/stream", {
            headers: { authorization: `Bearer ${key}` },
            signal: ctl.signal,
          }),
        ),
      );
      const init = (await s.next("init")).data as { flags: Record<string, { enabled: boolean }> };
      expect(init.flags["beta.search"]?.enabled).toBe(false);
      await call("PUT", "/api/orgs/acme/flags/beta.search", {
        kind: "boolean",
        environments: { prod: { enabled: true, defaultVariant: "on", rules: [] } },
      });
      expect((await s.next("flag.updated")).data).toMatchObject({
        flag: { key: "beta.search", enabled: true, version: 2 },
      });
      await call("POST", "/api/orgs/acme/flags/beta.search/archive");
      expect((await s.next("flag.archived")).data).toEqual({ key: "beta.search" });
      await call("POST", "/api/orgs/acme/flags/beta.search/restore");
      expect((await s.next("flag.restored")).data).toMatchObject({
        flag: { key: "beta.search", killedBy: null },
      });
      await call("PUT", "/api/orgs/acme/kill-switches/ops.stop", { flags: ["beta.search"] });
      await call("POST", "/api/orgs/acme/kill-switches/ops.stop/activate", { reason: "incident" });
      expect((await s.next("killswitch.activated")).data).toMatchObject({
        killSwitch: { key: "ops.stop", active: true, reason: "incident", flags: ["beta.search"] },
      });
      await call("POST", "/api/orgs/acme/kill-switches/ops.stop/deactivate");
      expect((await s.next("killswitch.deactivated")).data).toMatchObject({
        killSwitch: { key: "ops.stop", active: false },
      });
      expect(((await s.next("heartbeat")).data as { at: string }).at).toBeString();
      ctl.abort();
      await s.close();
    });
  });
});

if (BACKENDS.includes("postgres"))
  describe("flag stream across replicas [postgres]", () => {
    usePgCluster();
    test("a change made through replica B reaches a subscriber of replica A (NOTIFY)", async () => {
      const url = await createTestDatabase();
      const a = await pgBackend(url, { clock: () => new Date(), log: silentLogger, max: 2 });
      const b = await pgBackend(url, { clock: () => new Date(), log: silentLogger, max: 2 });
      try {
        const appA = createApp({ backend: a, log: silentLogger });
        const appB = createApp({ backend: b, log: silentLogger });
        const kit = createAuthKit({ accounts: a.accounts, tokens: a.tokens });
        const u = await kit.userForVerifiedEmail("owner@example.com");
        const token = (await kit.startSession(u.id, "cli", new Request("http://x"))).secret;
        const req = (app: typeof appA, m: string, p: string, body?: unknown, signal?: AbortSignal) =>
          app.handle(
            new Request(`http://localhost${p}`, {
              method: m,
              signal,
              headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
              body: body === undefined ? undefined : JSON.stringify(body),
            }),
          );
        await req(appA, "POST", "/api/orgs", { slug: "acme" });
        const ctl = new AbortController();
        const s = sseReader(await req(appA, "GET", "/api/flags/stream?org=acme", undefined, ctl.signal));
        await s.next("init");
        expect(
          (await req(appB, "POST", "/api/orgs/acme/flags", { key: "beta.search", kind: "boolean" })).status,
        ).toBe(201);
        expect((await s.next("flag.updated")).data).toMatchObject({ flag: { key: "beta.search" } });
        await req(appB, "POST", "/api/orgs/acme/kill-switches/tool.bash.disabled/activate", { reason: "r" });
        expect((await s.next("killswitch.activated")).data).toMatchObject({
          killSwitch: { key: "tool.bash.disabled" },
        });
        ctl.abort();
        await s.close();
      } finally {
        await a.close();
        await b.close();
        await dropTestDatabase(url);
      }
    });
  });
