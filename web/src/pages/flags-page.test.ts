/** The flags page in happy-dom against the real server app in-process: rule builder, preview, kill switch. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { testApp } from "@loom/server/test-helpers";
import { useDom } from "../../test/dom.ts";

useDom();
const { flushPromises, mount } = await import("@vue/test-utils");
const { createMemoryHistory } = await import("vue-router");
const { default: App } = await import("../App.vue");
const { setToken } = await import("../api/session.ts");
const { createLoomRouter } = await import("../router.ts");

const { app, alice, call } = testApp();
const realFetch = globalThis.fetch;

beforeAll(async () => {
  expect((await call("POST", "/api/orgs", { token: alice, body: { slug: "acme" } })).status).toBe(201);
  const flag = {
    key: "checkout.new_flow",
    kind: "boolean",
    environments: { prod: { enabled: true, defaultVariant: "off", rules: [] } },
  };
  expect((await call("POST", "/api/orgs/acme/flags", { token: alice, body: flag })).status).toBe(201);
  const ks = { flags: ["checkout.new_flow"] };
  expect(
    (await call("PUT", "/api/orgs/acme/kill-switches/ops.stop", { token: alice, body: ks })).status,
  ).toBe(200);
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

test("flags page: build a rule, see the live preview, save it, and turn a kill switch on after confirming", async () => {
  setToken(alice);
  const router = createLoomRouter(createMemoryHistory());
  await router.push("/flags?org=acme&env=prod");
  await router.isReady();
  const w = mount(App, { global: { plugins: [router] }, attachTo: document.body });
  await until(() => w.text().includes("checkout.new_flow"));
  expect(w.find("tbody").text()).toContain("on");

  await w.get("tbody button").trigger("click");
  await until(() => w.find("[data-testid=preview]").exists());
  // No rule yet: the default variant (off) for any context.
  expect(w.get("[data-testid=preview]").text()).toContain("serves off");
  const addRule = w.findAll("button").find((b) => b.text() === "Add rule");
  await addRule?.trigger("click");
  await w.get('[aria-label="Rule 1 condition 1 attribute"]').setValue("plan");
  await w.get('[aria-label="Rule 1 condition 1 operator"]').setValue("in");
  await w.get('[aria-label="Rule 1 condition 1 value"]').setValue("pro, team");
  await flushPromises();
  expect(w.get("[data-testid=preview]").text()).toMatch(/serves on = true \(TARGETING_MATCH, rule 1\)/);
  await w.get("#preview-context").setValue('{ "targetingKey": "u2", "plan": "free" }');
  expect(w.get("[data-testid=preview]").text()).toMatch(/serves off = false \(DEFAULT\)/);
  await w.get("#preview-context").setValue("{ nope");
  expect(w.get("[data-testid=preview]").text()).toBe("the context is not valid JSON");

  await w
    .findAll("button")
    .find((b) => b.text() === "Save")
    ?.trigger("click");
  await until(() => w.text().includes("v2"));
  const saved = (await (
    await call("GET", "/api/orgs/acme/flags/checkout.new_flow", { token: alice })
  ).json()) as {
    environments: { prod: { rules: { conditions: { value: unknown }[] }[] } };
  };
  expect(saved.environments.prod.rules[0]?.conditions[0]?.value).toEqual(["pro", "team"]);

  // The kill switch asks first, and needs a reason.
  await w
    .findAll("button")
    .find((b) => b.text() === "Activate ops.stop")
    ?.trigger("click");
  await until(() => w.find("[role=alertdialog]").exists());
  const confirm = () => w.findAll("button").find((b) => b.text() === "Turn off everywhere");
  expect(confirm()?.attributes("disabled")).toBeDefined();
  await w.get("#kill-reason").setValue("payments incident");
  await confirm()?.trigger("click");
  await until(() => w.text().includes("killed (ops.stop)"));
  expect(w.find("[role=alertdialog]").exists()).toBe(false);
  const switches = (await (await call("GET", "/api/orgs/acme/kill-switches", { token: alice })).json()) as {
    items: { key: string; active: boolean; reason: string }[];
  };
  expect(switches.items).toMatchObject([{ key: "ops.stop", active: true, reason: "payments incident" }]);
  w.unmount();
});
