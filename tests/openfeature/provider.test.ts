/**
 * The OpenFeature provider through the OpenFeature SDK itself, against a real Loom server on a
 * socket: typed details with variants and reasons, errors (FLAG_NOT_FOUND, TYPE_MISMATCH), a bad key,
 * and changes arriving over the stream (an update, a kill switch) without a new request per call.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { LoomFlagProvider } from "@loom/openfeature-provider";
import { createApp } from "@loom/server/app";
import { openDb } from "@loom/server/db";
import { silentLogger } from "@loom/server/logger";
import { createToken } from "@loom/server/tokens";
import { OpenFeature, ProviderEvents } from "@openfeature/server-sdk";

let server: ReturnType<typeof Bun.serve>;
let url: string;
let token: string;
let sdkKey: string;
let ruleRequests = 0;

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<Record<string, unknown>>;
};
const prod = (o: Record<string, unknown>) => ({ prod: { enabled: true, rules: [], ...o } });

beforeAll(async () => {
  const db = openDb(":memory:");
  const app = createApp({ db, log: silentLogger, flagsHeartbeatMs: 60_000 });
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req) => {
      if (new URL(req.url).pathname === "/api/flags/rules") ruleRequests++;
      return app.handle(req);
    },
  });
  url = `http://127.0.0.1:${server.port}`;
  token = createToken(db, { name: "ada" }).token;
  await api("POST", "/api/orgs", { slug: "acme" });
  await api("POST", "/api/orgs/acme/flags", {
    key: "checkout.new_flow",
    kind: "boolean",
    environments: prod({
      defaultVariant: "off",
      rules: [{ conditions: [{ attribute: "plan", operator: "equals", value: "pro" }], variant: "on" }],
    }),
  });
  await api("POST", "/api/orgs/acme/flags", {
    key: "ui.theme",
    kind: "multivariate",
    variants: [
      { key: "light", value: "light" },
      { key: "dark", value: "dark" },
    ],
    offVariant: "light",
    environments: prod({ defaultVariant: "dark" }),
  });
  await api("POST", "/api/orgs/acme/flags", {
    key: "limits.max_items",
    kind: "multivariate",
    variants: [
      { key: "small", value: 10 },
      { key: "large", value: 500 },
    ],
    offVariant: "small",
    environments: prod({
      defaultVariant: "small",
      rules: [{ conditions: [], percentage: 100, variant: "large" }],
    }),
  });
  await api("POST", "/api/orgs/acme/flags", {
    key: "ui.banner",
    kind: "multivariate",
    variants: [{ key: "sale", value: { text: "50% off", color: "red" } }],
    offVariant: "sale",
    environments: prod({ defaultVariant: "sale" }),
  });
  sdkKey = String(
    (await api("POST", "/api/orgs/acme/flag-keys", { name: "svc", kind: "server", environment: "prod" })).key,
  );
  await OpenFeature.setProviderAndWait(new LoomFlagProvider({ serverUrl: url, sdkKey, reconnectMs: 50 }));
});

afterAll(async () => {
  await OpenFeature.close();
  server?.stop(true);
});

test("boolean, string, number and object details with variants and reasons", async () => {
  const client = OpenFeature.getClient();
  expect(
    await client.getBooleanDetails("checkout.new_flow", false, { targetingKey: "u1", plan: "pro" }),
  ).toMatchObject({
    value: true,
    variant: "on",
    reason: "TARGETING_MATCH",
    flagMetadata: { ruleIndex: 0 },
  });
  expect(
    await client.getBooleanDetails("checkout.new_flow", true, { targetingKey: "u1", plan: "free" }),
  ).toMatchObject({
    value: false,
    variant: "off",
    reason: "DEFAULT",
  });
  expect(await client.getStringDetails("ui.theme", "x", {})).toMatchObject({
    value: "dark",
    variant: "dark",
    reason: "DEFAULT",
  });
  expect(await client.getNumberDetails("limits.max_items", 0, { targetingKey: "u1" })).toMatchObject({
    value: 500,
    variant: "large",
    reason: "SPLIT",
  });
  expect(await client.getObjectDetails("ui.banner", {}, {})).toMatchObject({
    value: { text: "50% off", color: "red" },
    variant: "sale",
  });
});

test("errors: an unknown flag is FLAG_NOT_FOUND, a wrong type TYPE_MISMATCH; the default is served", async () => {
  const client = OpenFeature.getClient();
  expect(await client.getBooleanDetails("no.such_flag", true)).toMatchObject({
    value: true,
    reason: "ERROR",
    errorCode: "FLAG_NOT_FOUND",
  });
  expect(await client.getNumberDetails("ui.theme", 7)).toMatchObject({
    value: 7,
    reason: "ERROR",
    errorCode: "TYPE_MISMATCH",
  });
  expect(await client.getStringDetails("ui.banner", "d")).toMatchObject({
    value: "d",
    errorCode: "TYPE_MISMATCH",
  });
});

test("a bad SDK key leaves the provider in error with the server's reason", async () => {
  const bad = new LoomFlagProvider({ serverUrl: url, sdkKey: `loom_sdk_server_prod_${"0".repeat(64)}` });
  await expect(OpenFeature.setProviderAndWait("bad", bad)).rejects.toThrow("401");
  const details = await OpenFeature.getClient("bad").getBooleanDetails("checkout.new_flow", false);
  expect(String(details.errorCode)).toBe("PROVIDER_FATAL");
});

test("changes arrive over the stream: an update, a kill switch on and off, an archive", async () => {
  const client = OpenFeature.getClient();
  const rulesBefore = ruleRequests;
  /** Resolves once `check` holds, looking again at each configuration change the provider reports. */
  const until = (check: () => Promise<boolean>) =>
    new Promise<void>((resolve) => {
      const h = async () => {
        if (!(await check())) return;
        OpenFeature.removeHandler(ProviderEvents.ConfigurationChanged, h);
        resolve();
      };
      OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, h);
    });
  let changed = until(async () => (await client.getStringValue("ui.theme", "x")) === "light");
  await api("PUT", "/api/orgs/acme/flags/ui.theme", {
    kind: "multivariate",
    variants: [
      { key: "light", value: "light" },
      { key: "dark", value: "dark" },
    ],
    offVariant: "light",
    environments: prod({ defaultVariant: "light" }),
  });
  await changed;
  expect(await client.getStringValue("ui.theme", "x")).toBe("light");

  changed = until(
    async () => (await client.getBooleanDetails("checkout.new_flow", true)).reason === "DISABLED",
  );
  await api("PUT", "/api/orgs/acme/kill-switches/ops.checkout_incident", { flags: ["checkout.new_flow"] });
  await api("POST", "/api/orgs/acme/kill-switches/ops.checkout_incident/activate", {
    reason: "payments down",
  });
  await changed;
  expect(await client.getBooleanDetails("checkout.new_flow", true, { plan: "pro" })).toMatchObject({
    value: false,
    reason: "DISABLED",
    flagMetadata: { killSwitch: "ops.checkout_incident" },
  });
  changed = until(
    async () => (await client.getBooleanDetails("checkout.new_flow", true)).reason !== "DISABLED",
  );
  await api("POST", "/api/orgs/acme/kill-switches/ops.checkout_incident/deactivate");
  await changed;
  expect(await client.getBooleanValue("checkout.new_flow", false, { plan: "pro" })).toBe(true);

  changed = until(
    async () => (await client.getObjectDetails("ui.banner", {})).errorCode === "FLAG_NOT_FOUND",
  );
  await api("POST", "/api/orgs/acme/flags/ui.banner/archive");
  await changed;
  expect(String((await client.getObjectDetails("ui.banner", {})).errorCode)).toBe("FLAG_NOT_FOUND");
  // Evaluated locally: no rule fetch per evaluation.
  expect(ruleRequests).toBe(rulesBefore);
});
