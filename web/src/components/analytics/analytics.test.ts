/**
 * The analytics explorer mounted in happy-dom against the real server app in-process: trend totals,
 * the chart's text alternative (label and table), a breakdown, a funnel, and a refused scope.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { testApp } from "@loom/server/test-helpers";
import { useDom } from "../../../test/dom.ts";

useDom();
const { flushPromises, mount } = await import("@vue/test-utils");
const { createMemoryHistory } = await import("vue-router");
const { default: App } = await import("../../App.vue");
const { setToken } = await import("../../api/session.ts");
const { createLoomRouter } = await import("../../router.ts");

const { app, alice, bob, call } = testApp();
const realFetch = globalThis.fetch;

beforeAll(async () => {
  const now = Date.now();
  const at = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString();
  const batch = [
    { event: "session.started", distinct_id: "x", timestamp: at(2), properties: { surface: "repl" } },
    { event: "session.started", distinct_id: "x", timestamp: at(1), properties: { surface: "run" } },
    { event: "session.started", distinct_id: "x", timestamp: at(0), properties: { surface: "run" } },
    { event: "tool.used", distinct_id: "x", timestamp: at(0), properties: { tool: "read_file" } },
  ];
  // Alice's own runtime events: filed under her id in the server's scope, which she (system_admin) reads.
  expect((await call("POST", "/api/analytics/batch", { token: alice, body: { batch } })).status).toBe(200);
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    app.handle(new Request(new URL(String(input), "http://localhost"), init))) as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

async function until(ok: () => boolean) {
  for (let i = 0; i < 200 && !ok(); i++) {
    await flushPromises();
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(ok()).toBe(true);
}

async function mountAt(path: string) {
  const router = createLoomRouter(createMemoryHistory());
  await router.push(path);
  await router.isReady();
  const wrapper = mount(App, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

test("the explorer shows totals, a chart with a text alternative, a breakdown and a funnel", async () => {
  setToken(alice);
  const w = await mountAt("/analytics");
  await until(() => w.find(".totals").exists());
  expect(w.get(".totals").text()).toBe("4 events from 1 unique persons");
  // The chart's label says what it shows; the table holds every day's numbers.
  expect(w.get("canvas").attributes("role")).toBe("img");
  expect(w.get("canvas").attributes("aria-label")).toContain("Events");
  expect(w.get("canvas").attributes("aria-label")).toContain("all 4");
  expect(w.findAll(".trend-table tbody tr").length).toBe(7);

  await w.get("#events").setValue("session.started");
  await w.get("#breakdown").setValue("surface");
  await w.get("#steps").setValue("session.started,tool.used");
  await w.get("form").trigger("submit");
  await until(() => w.find(".funnel").exists());
  const heads = w.findAll(".trend-table thead th").map((h) => h.text());
  expect(heads).toEqual(["Day", "run", "repl"]);
  expect(w.get("canvas").attributes("aria-label")).toContain("run 2, repl 1");
  const steps = w.findAll(".funnel-step").map((s) => s.text());
  expect(steps).toEqual(["session.started: 1 person (100%)", "tool.used: 1 person (100%)"]);
  w.unmount();
});

test("someone who may not read the server's events gets one line, not a chart", async () => {
  setToken(bob);
  const w = await mountAt("/analytics");
  await until(() => w.find("[role=alert]").exists());
  expect(w.get("[role=alert]").text()).toContain("system_admin or auditor");
  expect(w.find("canvas").exists()).toBe(false);
  w.unmount();
});
