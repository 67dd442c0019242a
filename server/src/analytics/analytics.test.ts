/**
 * Analytics over HTTP on both databases: keys, ingest (limits, idempotent retries), identity merges,
 * queries (filters, trends, unique persons, funnels), streamed exports, and Loom's own events from a
 * signed-in principal. One app per backend, shared by the tests.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { forEachBackend, type TestApp } from "../_backends.ts";
import { createAuthKit } from "../auth/kit.ts";

forEachBackend(({ kind, testApp }) => {
  describe(`analytics [${kind}]`, () => {
    let h: TestApp;
    let carol: string;
    let dan: string;
    let write: string;
    let rw: string;
    const post = (path: string, token: string, body: unknown) =>
      h.call("POST", `/api/analytics/${path}`, { token, body });
    const get = async (path: string, token: string) => {
      const r = await h.call("GET", `/api/analytics/${path}`, { token });
      expect(r.status).toBe(200);
      return (await r.json()) as Record<string, unknown>;
    };

    beforeAll(async () => {
      h = await testApp();
      const kit = createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens });
      const c = await kit.userForVerifiedEmail("carol@example.com");
      const d = await kit.userForVerifiedEmail("dan@example.com");
      carol = (await kit.startSession(c.id, "cli", new Request("http://x"))).secret;
      dan = (await kit.startSession(d.id, "cli", new Request("http://x"))).secret;
      expect((await h.call("POST", "/api/orgs", { token: carol, body: { slug: "acme" } })).status).toBe(201);
      const mk = async (k: string) => {
        const r = await h.call("POST", "/api/analytics/keys", {
          token: carol,
          body: { org: "acme", kind: k, name: k },
        });
        expect(r.status).toBe(201);
        return ((await r.json()) as { key: string }).key;
      };
      write = await mk("write");
      rw = await mk("rw");
    });

    test("keys are shown once, stored hashed; write keys send but cannot read; others cannot manage them", async () => {
      expect(write).toMatch(/^loom_analytics_write_[0-9a-f]{48}$/);
      expect(rw).toMatch(/^loom_analytics_rw_[0-9a-f]{48}$/);
      const list = await (await h.call("GET", "/api/analytics/keys?org=acme", { token: carol })).text();
      expect(list).not.toContain(write.slice(-20));
      const stored = await h.rows<{ hash: string }>("SELECT hash FROM analytics_keys");
      expect(stored.map((r) => r.hash).join()).not.toContain(write.slice(-20));
      expect((await h.call("GET", "/api/analytics/events", { token: write })).status).toBe(403);
      expect((await h.call("GET", "/api/analytics/keys?org=acme", { token: dan })).status).toBe(404);
      expect((await h.call("GET", "/api/analytics/events?org=acme", { token: dan })).status).toBe(404);
      expect(
        (await post("capture", "loom_analytics_write_00", { event: "x", distinct_id: "a" })).status,
      ).toBe(401);
    });

    test("limits: a name over 200 characters is 400, properties over 1 MiB 413, a bad timestamp 400; a retried uuid counts once", async () => {
      const long = await post("capture", write, { event: "e".repeat(201), distinct_id: "lim" });
      expect(long.status).toBe(400);
      expect(((await long.json()) as { error: { message: string } }).error.message).toContain("event");
      const big = await post("batch", write, {
        batch: [
          { event: "ok", distinct_id: "lim" },
          { event: "big", distinct_id: "lim", properties: { blob: "x".repeat(1024 * 1024) } },
        ],
      });
      expect(big.status).toBe(413);
      expect(((await big.json()) as { error: { message: string } }).error.message).toContain("event 1");
      expect(
        (await post("capture", write, { event: "t", distinct_id: "lim", timestamp: "yesterday" })).status,
      ).toBe(400);
      // Offsets are stored as the UTC instant.
      await post("capture", write, {
        event: "tz",
        distinct_id: "lim",
        timestamp: "2026-05-01T12:00:00+02:00",
      });
      const tz = await h.rows<{ timestamp: string }>(
        "SELECT timestamp FROM analytics_events WHERE name = 'tz'",
      );
      expect(tz.map((r) => r.timestamp)).toEqual(["2026-05-01T10:00:00.000Z"]);
      const uuid = "0190f3a2-1111-7000-8000-000000000001";
      const first = await post("capture", write, { event: "retry", distinct_id: "lim", uuid });
      expect(await first.json()).toEqual({ accepted: 1, duplicates: 0 });
      const again = await post("capture", write, { event: "retry", distinct_id: "lim", uuid });
      expect(await again.json()).toEqual({ accepted: 0, duplicates: 1 });
      const rows = await h.rows<{ n: number }>(
        "SELECT count(*) AS n FROM analytics_events WHERE distinct_id = 'lim' AND name = 'retry'",
      );
      expect(Number(rows[0]?.n)).toBe(1);
    });

    test("identify: an anonymous id's earlier events resolve to the person; identified wins; of two identified, the older", async () => {
      const anon = Bun.randomUUIDv7();
      await post("batch", write, {
        batch: [
          { event: "pageview", distinct_id: anon, timestamp: "2026-05-01T10:00:00Z" },
          { event: "pageview", distinct_id: anon, timestamp: "2026-05-01T10:05:00Z" },
        ],
      });
      const id1 = (await (
        await post("identify", write, { distinct_id: "user-1", anon_distinct_id: anon, set: { plan: "pro" } })
      ).json()) as {
        personId: string;
      };
      const ev = (await get(`events?distinct_id=${anon}`, rw)) as { items: { personId: string }[] };
      expect(ev.items.map((i) => i.personId)).toEqual([id1.personId, id1.personId]);
      const byPerson = (await get(`events?person=${id1.personId}`, rw)) as { items: unknown[] };
      expect(byPerson.items.length).toBe(2);

      // An anonymous person aliased to an identified one: the identified person survives.
      const anon2 = Bun.randomUUIDv7();
      await post("capture", write, { event: "pageview", distinct_id: anon2 });
      const a = (await (await post("alias", write, { distinct_id: anon2, alias: "user-1" })).json()) as {
        personId: string;
      };
      expect(a.personId).toBe(id1.personId);

      // Two identified persons: the older wins, and the newer one's ids and events move to it.
      const id2 = (await (
        await post("identify", write, { distinct_id: "user-2", set: { plan: "free", os: "linux" } })
      ).json()) as {
        personId: string;
      };
      await post("capture", write, { event: "pageview", distinct_id: "user-2" });
      const m = (await (await post("alias", write, { distinct_id: "user-2", alias: "user-1" })).json()) as {
        personId: string;
        merged: string;
      };
      expect(m).toEqual({ personId: id1.personId, merged: id2.personId });
      const all = (await get(`events?person=${id1.personId}&limit=10`, rw)) as { items: unknown[] };
      expect(all.items.length).toBe(4);
      const persons = await h.rows<{ id: string; properties: string }>(
        `SELECT id, properties FROM analytics_persons WHERE id IN ('${id1.personId}', '${id2.personId}')`,
      );
      expect(persons.length).toBe(1);
      expect(JSON.parse(persons[0]?.properties ?? "{}")).toEqual({ plan: "pro", os: "linux" });
      await post("set", write, {
        distinct_id: anon,
        set: { plan: "team" },
        set_once: { plan: "x", first: "y" },
      });
      const after = await h.rows<{ properties: string }>(
        `SELECT properties FROM analytics_persons WHERE id = '${id1.personId}'`,
      );
      expect(JSON.parse(after[0]?.properties ?? "{}")).toEqual({ plan: "team", os: "linux", first: "y" });
    });

    test("queries: names, time, property filters, hourly and daily counts with unique persons, breakdown, funnel", async () => {
      const ev = (name: string, who: string, at: string, props: Record<string, unknown> = {}) => ({
        event: name,
        distinct_id: who,
        timestamp: at,
        properties: props,
      });
      const r = await post("batch", write, {
        batch: [
          ev("q.view", "p1", "2026-06-01T09:10:00Z", { plan: "pro", n: 5, ok: true }),
          ev("q.view", "p1", "2026-06-01T09:20:00Z", { plan: "pro", n: 50 }),
          ev("q.view", "p2", "2026-06-01T10:00:00Z", { plan: "free" }),
          ev("q.signup", "p1", "2026-06-01T09:30:00Z", { plan: "pro" }),
          ev("q.signup", "p2", "2026-06-03T10:00:00Z"),
          ev("q.pay", "p1", "2026-06-01T11:00:00Z"),
        ],
      });
      expect(await r.json()).toEqual({ accepted: 6, duplicates: 0 });
      const range = "from=2026-06-01&to=2026-06-04";
      const where = (w: unknown) => `where=${encodeURIComponent(JSON.stringify(w))}`;
      const names = async (q: string) =>
        (
          (await get(`events?${range}&${q}`, rw)) as { items: { name: string; distinctId: string }[] }
        ).items.map((i) => `${i.name}/${i.distinctId}`);
      expect(await names("name=q.signup")).toEqual(["q.signup/p2", "q.signup/p1"]);
      expect(await names(where([{ key: "plan", op: "eq", value: "pro" }]))).toEqual([
        "q.signup/p1",
        "q.view/p1",
        "q.view/p1",
      ]);
      expect(await names(`name=q.view&${where([{ key: "n", op: "gt", value: 10 }])}`)).toEqual(["q.view/p1"]);
      expect(await names(`name=q.view&${where([{ key: "ok", op: "eq", value: true }])}`)).toEqual([
        "q.view/p1",
      ]);
      expect(await names(`name=q.view&${where([{ key: "plan", op: "neq", value: "pro" }])}`)).toEqual([
        "q.view/p2",
      ]);
      expect(await names(`name=q.pay,q.signup&to=2026-06-02`)).toEqual(["q.pay/p1", "q.signup/p1"]);
      expect(
        (await h.call("GET", `/api/analytics/events?${where([{ key: "a", op: "like" }])}`, { token: rw }))
          .status,
      ).toBe(400);

      // Paging by cursor returns every event once.
      const seen: string[] = [];
      let cursor = "";
      for (let i = 0; i < 10; i++) {
        const page = (await get(`events?${range}&limit=4${cursor}`, rw)) as {
          items: { id: string }[];
          nextCursor: string | null;
        };
        seen.push(...page.items.map((x) => x.id));
        if (!page.nextCursor) break;
        cursor = `&cursor=${encodeURIComponent(page.nextCursor)}`;
      }
      expect(new Set(seen).size).toBe(6);

      const hourly = (await get(
        `trends?name=q.view&interval=hour&from=2026-06-01T09:00:00Z&to=2026-06-01T12:00:00Z`,
        rw,
      )) as {
        series: { label: string; points: { bucket: string; events: number; persons: number }[] }[];
        totals: { events: number; persons: number };
      };
      expect(hourly.series[0]?.points).toEqual([
        { bucket: "2026-06-01T09:00:00.000Z", events: 2, persons: 1 },
        { bucket: "2026-06-01T10:00:00.000Z", events: 1, persons: 1 },
        { bucket: "2026-06-01T11:00:00.000Z", events: 0, persons: 0 },
      ]);
      expect(hourly.totals).toEqual({ events: 3, persons: 2 });
      const daily = (await get(`trends?name=q.view,q.signup&interval=day&${range}&breakdown=plan`, rw)) as {
        series: { label: string; points: { events: number }[] }[];
      };
      const sums = Object.fromEntries(daily.series.map((s) => [s.label, s.points.map((p) => p.events)]));
      expect(sums).toEqual({ pro: [3, 0, 0], free: [1, 0, 0], "(none)": [0, 0, 1] });

      const f = (await get(`funnel?${range}&steps=q.view,q.signup,q.pay&window=7200`, rw)) as {
        steps: { name: string; persons: number }[];
      };
      expect(f.steps.map((s) => s.persons)).toEqual([2, 1, 1]);
      const carolView = (await get(
        `funnel?org=acme&${range}&steps=q.view,q.signup&window=${86_400 * 7}`,
        carol,
      )) as {
        steps: { persons: number }[];
      };
      expect(carolView.steps.map((s) => s.persons)).toEqual([2, 2]);
    });

    test("exports stream every matching event as CSV and JSONL", async () => {
      const batch = Array.from({ length: 2500 }, (_, i) => ({
        event: "x.export",
        distinct_id: `d${i % 7}`,
        timestamp: new Date(Date.UTC(2026, 6, 1) + i * 1000).toISOString(),
        properties: { i, note: i === 0 ? '=cmd,"quoted"\nline' : "plain" },
      }));
      expect(await (await post("batch", write, { batch })).json()).toEqual({ accepted: 2500, duplicates: 0 });
      const jsonl = await h.call("GET", "/api/analytics/export?name=x.export&format=jsonl", { token: rw });
      expect(jsonl.headers.get("content-type")).toContain("ndjson");
      const lines = (await jsonl.text())
        .trimEnd()
        .split("\n")
        .map((l) => JSON.parse(l) as { properties: { i: number } });
      expect(lines.map((l) => l.properties.i)).toEqual(batch.map((_, i) => i));
      const csv = await (
        await h.call("GET", "/api/analytics/export?name=x.export&format=csv", { token: rw })
      ).text();
      expect(csv.startsWith("id,timestamp,name,distinct_id,person_id,properties\r\n")).toBe(true);
      expect(csv.split("\r\n").filter(Boolean).length).toBe(2501);
      expect(csv).toContain('"{""i"":0,""note"":""=cmd,\\""quoted\\""\\nline""}"');
    });

    test("Loom's own events from a signed-in runtime go to _server under the caller's id; only staff read them", async () => {
      const r = await post("capture", dan, { event: "session.started", distinct_id: "someone-else" });
      expect(await r.json()).toEqual({ accepted: 1, duplicates: 0 });
      const lk = await h.call("POST", "/api/orgs/acme/api-keys", {
        token: carol,
        body: { name: "k", scopes: ["llm:use"] },
      });
      const orgKey = ((await lk.json()) as { key: string }).key;
      expect((await post("capture", orgKey, { event: "x", distinct_id: "y" })).status).toBe(403);
      expect((await h.call("GET", "/api/analytics/events?org=_server", { token: dan })).status).toBe(403);
      const ev = (await get("events?org=_server&name=session.started", h.alice)) as {
        items: { distinctId: string }[];
      };
      expect(ev.items.map((i) => i.distinctId)).not.toContain("someone-else");
      expect(ev.items.length).toBe(1);
      // A signed-in caller cannot pull another identified person into their own.
      await post("identify", carol, { distinct_id: "ignored" });
      const carolId = (
        (await (await h.call("GET", "/api/auth/me", { token: carol })).json()) as { userId: string }
      ).userId;
      expect((await post("alias", dan, { distinct_id: "x", alias: carolId })).status).toBe(403);
      // An rw key reads only its org.
      const own = (await get("events?name=session.started", rw)) as { items: unknown[] };
      expect(own.items.length).toBe(0);
      expect((await h.call("GET", "/api/analytics/events?org=_server", { token: rw })).status).toBe(403);
    });

    test("a from/to that only looks like a date (month 13, hour 99) is a 400 naming it, on every query", async () => {
      for (const path of [
        "events?from=2026-13-45",
        "trends?from=2026-06-01&to=2026-14-99",
        "funnel?steps=a,b&from=2026-06-01T99:99:99Z",
        "export?from=2026-13-01&format=csv",
      ]) {
        const r = await h.call("GET", `/api/analytics/${path}`, { token: rw });
        expect({ path, status: r.status }).toEqual({ path, status: 400 });
        const { error } = (await r.json()) as { error: { code: string; message: string } };
        expect(error.code).toBe("INVALID_INPUT");
        expect(error.message).toMatch(/^query parameter (from|to): \S+ is not a date$/);
      }
    });

    test("a revoked key answers 401", async () => {
      const r = await h.call("POST", "/api/analytics/keys", {
        token: carol,
        body: { org: "acme", kind: "write", name: "tmp" },
      });
      const k = (await r.json()) as { id: string; key: string };
      expect((await post("capture", k.key, { event: "a", distinct_id: "b" })).status).toBe(200);
      expect((await h.call("DELETE", `/api/analytics/keys/${k.id}`, { token: dan })).status).toBe(404);
      expect((await h.call("DELETE", `/api/analytics/keys/${k.id}`, { token: carol })).status).toBe(204);
      expect((await post("capture", k.key, { event: "a", distinct_id: "b" })).status).toBe(401);
    });
  });
});
