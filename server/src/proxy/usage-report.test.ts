import { describe, expect, test } from "bun:test";
import { forEachBackend, type TestApp } from "../_backends.ts";
import { dayRange } from "./usage-report-routes.ts";

interface Report {
  from: string;
  to: string;
  truncated: boolean;
  items: {
    day: string;
    userId: string;
    user: string;
    model: string;
    requests: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number | null;
  }[];
}

const row = (day: string, token: string, user: string, model: string, n: number, cost: number) =>
  `('${day}', '${token}', '${user}', 'anthropic', '${model}', ${n}, ${n * 100}, ${n * 10}, ${cost})`;

async function seed(h: TestApp) {
  await h.rows(
    `INSERT INTO usage (day, token_id, user_id, provider, model, requests, input_tokens, output_tokens, cost_usd) VALUES
     ${[
       row("2026-11-20", "tok_a1", "alice", "priced", 1, 0.5),
       row("2026-11-20", "tok_a2", "alice", "priced", 2, 0.25),
       row("2026-11-21", "tok_a1", "alice", "mystery", 3, 0),
       row("2026-11-21", "tok_b1", "bob", "priced", 4, 1),
       row("2026-11-21", "tok_c1", "carol", "priced", 5, 2),
       row("2026-10-01", "tok_a1", "alice", "priced", 9, 9),
     ].join(",\n")}`,
  );
}

const get = async (h: TestApp, path: string, token: string) => {
  const res = await h.call("GET", path, { token });
  return { status: res.status, body: (await res.json()) as Report & { error?: { message: string } } };
};

forEachBackend(({ kind, testApp }) => {
  describe(`usage report [${kind}]`, () => {
    test("own usage: one row per day, user, provider and model (tokens merged), unpriced models cost null", async () => {
      const h = await testApp({
        clock: () => new Date("2026-11-21T12:00:00Z"),
        cost: (model) => (model === "priced" ? 1 : undefined),
      });
      await seed(h);
      const r = await get(h, "/api/usage/report", h.alice);
      expect(r.status).toBe(200);
      // Default range: the 30 days ending today; the October row is outside it.
      expect(r.body).toMatchObject({ from: "2026-10-23", to: "2026-11-21", truncated: false });
      expect(r.body.items).toEqual([
        {
          day: "2026-11-20",
          userId: "alice",
          user: "alice",
          provider: "anthropic",
          model: "priced",
          requests: 3,
          inputTokens: 300,
          outputTokens: 30,
          costUsd: 0.75,
        },
        {
          day: "2026-11-21",
          userId: "alice",
          user: "alice",
          provider: "anthropic",
          model: "mystery",
          requests: 3,
          inputTokens: 300,
          outputTokens: 30,
          costUsd: null,
        },
      ] as unknown as Report["items"]);
      const oct = await get(h, "/api/usage/report?from=2026-10-01&to=2026-10-01", h.alice);
      expect(oct.body.items.map((i) => i.requests)).toEqual([9]);
      const bob = await get(h, "/api/usage/report?from=2026-11-01&to=2026-11-30", h.bob);
      expect(bob.body.items.map((i) => [i.userId, i.requests])).toEqual([["bob", 4]]);
    });

    test("an org's owner sees its members' usage; a plain member is refused, a stranger gets 404", async () => {
      const h = await testApp({ clock: () => new Date("2026-11-21T12:00:00Z") });
      const carol = (await h.backend.tokens.create({ name: "carol" })).token;
      await seed(h);
      expect((await h.call("POST", "/api/orgs", { token: h.alice, body: { slug: "acme" } })).status).toBe(
        201,
      );
      expect(
        (await h.call("PUT", "/api/orgs/acme/members/bob", { token: h.alice, body: { role: "member" } }))
          .status,
      ).toBe(200);
      const r = await get(h, "/api/orgs/acme/usage?from=2026-11-01&to=2026-11-30", h.alice);
      expect(r.status).toBe(200);
      // alice (owner) and bob (member); carol is not in the org.
      expect(r.body.items.map((i) => [i.day, i.userId, i.model, i.requests])).toEqual([
        ["2026-11-20", "alice", "priced", 3],
        ["2026-11-21", "alice", "mystery", 3],
        ["2026-11-21", "bob", "priced", 4],
      ]);
      expect((await h.call("GET", "/api/orgs/acme/usage", { token: h.bob })).status).toBe(403);
      expect((await h.call("GET", "/api/orgs/acme/usage", { token: carol })).status).toBe(404);
      // Promoted to admin, bob sees the org too.
      await h.call("PUT", "/api/orgs/acme/members/bob", { token: h.alice, body: { role: "admin" } });
      expect((await get(h, "/api/orgs/acme/usage?from=2026-11-21", h.bob)).body.items).toHaveLength(2);
    });

    test("bad ranges answer 400 with one line", async () => {
      const h = await testApp({ clock: () => new Date("2026-11-21T12:00:00Z") });
      for (const q of ["from=2026-11-22&to=2026-11-21", "from=2024-01-01&to=2026-01-01", "to=2026-02-30"]) {
        const r = await get(h, `/api/usage/report?${q}`, h.alice);
        expect(r.status).toBe(400);
        expect(r.body.error?.message).not.toContain("\n");
      }
      expect((await h.call("GET", "/api/usage/report?from=yesterday", { token: h.alice })).status).toBe(400);
    });
  });
});

test("dayRange: defaults to the 30 days ending today, keeps a valid range, spans at most 366 days", () => {
  const now = new Date("2026-03-01T23:59:00Z");
  expect(dayRange({}, now)).toEqual({ from: "2026-01-31", to: "2026-03-01" });
  expect(dayRange({ from: "2026-02-28" }, now)).toEqual({ from: "2026-02-28", to: "2026-03-01" });
  expect(dayRange({ from: "2025-03-01", to: "2026-03-01" }, now)).toEqual({
    from: "2025-03-01",
    to: "2026-03-01",
  });
  expect(() => dayRange({ from: "2025-02-28", to: "2026-03-01" }, now)).toThrow("at most 366 days");
  expect(() => dayRange({ to: "2026-02-29" }, now)).toThrow("not a day");
});
