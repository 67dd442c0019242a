/** The usage page in happy-dom against the real server app in-process (fetch → app.handle). */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { testApp } from "@loom/server/test-helpers";
import { useDom, win } from "../../test/dom.ts";
import { appMounter } from "../../test/mount-app.ts";

useDom();
const { setToken } = await import("../api/session.ts");
const { usageCsv } = await import("../lib/usage.ts");
const { mountAt, until } = await appMounter();

const { app, db, alice, bob, call } = testApp();
const realFetch = globalThis.fetch;

beforeAll(async () => {
  const rows: [string, string, string, string, number, number][] = [
    ["2026-11-20", "alice", "claude-sonnet-4-5", "tok_a", 2, 0.5],
    ["2026-11-21", "alice", "gpt-5", "tok_a", 1, 0.25],
    ["2026-11-21", "bob", "claude-sonnet-4-5", "tok_b", 4, 1],
  ];
  for (const [day, user, model, token, n, cost] of rows)
    db.$client
      .query(
        "INSERT INTO usage (day, token_id, user_id, provider, model, requests, input_tokens, output_tokens, cost_usd) VALUES (?, ?, ?, 'anthropic', ?, ?, ?, ?, ?)",
      )
      .run(day, token, user, model, n, n * 1000, n * 100, cost);
  expect(
    (await call("POST", "/api/orgs", { token: alice, body: { slug: "acme", name: "Acme" } })).status,
  ).toBe(201);
  expect(
    (await call("PUT", "/api/orgs/acme/members/bob", { token: alice, body: { role: "member" } })).status,
  ).toBe(200);
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    app.handle(new Request(new URL(String(input), "http://localhost"), init))) as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

type Found = { findAll(s: string): Found[]; text(): string };
const cells = (table: unknown) =>
  (table as Found).findAll("tbody tr").map((r) =>
    r
      .findAll("th, td")
      .map((c) => c.text().trim())
      .join(" "),
  );

describe("usage page", () => {
  test("your usage: totals, a chart with a summary and a data table, totals by model, CSV of the rows", async () => {
    setToken(alice);
    const { wrapper, router } = await mountAt("/usage?from=2026-11-19&to=2026-11-21");
    await until(() => wrapper.find(".usage-totals").exists());
    expect(wrapper.find("nav a[href='/usage']").exists()).toBe(true);
    expect(wrapper.get(".usage-totals").text()).toContain("$0.75 · 3,300 tokens · 3 requests");
    // The chart's text alternative: the canvas's name, shown below it, and the numbers as a table.
    const summary = wrapper.get(".chart-summary").text();
    expect(wrapper.get("canvas").attributes("aria-label")).toBe(summary);
    expect(wrapper.get("canvas").attributes("role")).toBe("img");
    expect(summary).toContain(
      "Cost per day by model: $0.75 in total over 3 days; highest 2026-11-20 with $0.50",
    );
    expect(cells(wrapper.get(".chart-data table"))).toEqual([
      "2026-11-19 $0 $0 $0",
      "2026-11-20 $0.50 $0 $0.50",
      "2026-11-21 $0 $0.25 $0.25",
    ]);
    const [byModel, byUser] = wrapper.findAll(".usage-table");
    expect(cells(byModel)).toEqual(["claude-sonnet-4-5 2 2,000 200 $0.50", "gpt-5 1 1,000 100 $0.25"]);
    expect(cells(byUser)).toEqual(["alice 3 3,000 300 $0.75"]);

    // Split by user, tokens: the choice goes to the query string and the chart follows.
    await wrapper.get("#usage-metric").setValue("tokens");
    await wrapper.get("#usage-by").setValue("user");
    await until(() => router.currentRoute.value.query.by === "user");
    await until(() => wrapper.get(".chart-summary").text().startsWith("Tokens per day by user: 3,300"));

    // CSV: what the page downloads is exactly the rows it shows.
    const anchor = win.HTMLAnchorElement.prototype as unknown as { click(): void };
    const realClick = anchor.click;
    const downloads: { name: string; href: string }[] = [];
    anchor.click = function (this: { download: string; href: string }) {
      downloads.push({ name: this.download, href: this.href });
    };
    try {
      await wrapper.get("#usage-csv").trigger("click");
    } finally {
      anchor.click = realClick;
    }
    expect(downloads.map((d) => d.name)).toEqual(["loom-usage-me-2026-11-19-2026-11-21.csv"]);
    const csv = await (await realFetch(downloads[0]?.href ?? "")).text();
    const report = (await (
      await call("GET", "/api/usage/report?from=2026-11-19&to=2026-11-21", { token: alice })
    ).json()) as { items: Parameters<typeof usageCsv>[0] };
    expect(csv).toBe(usageCsv(report.items));
    expect(csv.split("\r\n")).toHaveLength(4);
    wrapper.unmount();
  });

  test("an org owner picks the org and sees every member; a plain member is offered only their own", async () => {
    setToken(alice);
    const { wrapper, router } = await mountAt("/usage?from=2026-11-19&to=2026-11-21");
    await until(() => wrapper.findAll("#usage-scope option").length === 2);
    await wrapper.get("#usage-scope").setValue("acme");
    await until(() => router.currentRoute.value.query.org === "acme");
    await until(() => wrapper.get(".usage-totals").text().includes("Acme"));
    expect(cells(wrapper.findAll(".usage-table")[1])).toEqual([
      "bob 4 4,000 400 $1.00",
      "alice 3 3,000 300 $0.75",
    ]);
    wrapper.unmount();

    setToken(bob);
    const asBob = await mountAt("/usage?from=2026-11-19&to=2026-11-21");
    await until(() => asBob.wrapper.find(".usage-totals").exists());
    expect(asBob.wrapper.findAll("#usage-scope option").map((o) => o.text())).toEqual(["Your usage"]);
    expect(asBob.wrapper.get(".usage-totals").text()).toContain("$1.00 · 4,400 tokens · 4 requests");
    asBob.wrapper.unmount();
    // Asking for the org anyway: the server's refusal is shown as one line.
    const forced = await mountAt("/usage?org=acme");
    await until(() => forced.wrapper.find("[role=alert]").exists());
    expect(forced.wrapper.get("[role=alert]").text()).toContain("cannot manage the org");
    forced.wrapper.unmount();
  });
});
