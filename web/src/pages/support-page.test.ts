/**
 * The support page (`/support`) mounted in happy-dom against the real server app in-process
 * (SQLite): the nav link only for the `support` role, the threads shared with support linking to
 * the thread view, the empty state, and the server's refusal shown to anyone else.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "@loom/server/app";
import { createAuthKit } from "@loom/server/auth-kit";
import { silentLogger } from "@loom/server/logger";
import { testBackend } from "@loom/server/test-backends";
import { sampleThread } from "@loom/server/test-helpers";
import { useDom } from "../../test/dom.ts";

useDom();
const { flushPromises, mount } = await import("@vue/test-utils");
const { createMemoryHistory } = await import("vue-router");
const { default: App } = await import("../App.vue");
const { setToken } = await import("../api/session.ts");
const { createLoomRouter } = await import("../router.ts");

const backend = await testBackend("sqlite");
const app = createApp({ log: silentLogger, backend });
const kit = createAuthKit({ accounts: backend.accounts, tokens: backend.tokens });
const realFetch = globalThis.fetch;

async function person(email: string, name: string) {
  const user = await kit.userForVerifiedEmail(email, name);
  return { id: user.id, token: (await kit.startSession(user.id, "cli", new Request("http://x"))).secret };
}
const call = (method: string, path: string, token: string, body?: unknown) =>
  app.handle(
    new Request(`http://localhost${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );

let olga: { id: string; token: string };
let sam: { id: string; token: string };

beforeAll(async () => {
  olga = await person("olga@example.com", "Olga");
  sam = await person("sam@example.com", "Sam");
  await backend.accounts.users.setRoles(sam.id, ["support"]);
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    app.handle(new Request(new URL(String(input), "http://localhost"), init))) as typeof fetch;
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await backend.close();
});

async function mountAt(path: string, token: string) {
  setToken(token);
  const router = createLoomRouter(createMemoryHistory());
  await router.push(path);
  await router.isReady();
  const wrapper = mount(App, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

async function until(ok: () => boolean) {
  for (let i = 0; i < 200 && !ok(); i++) {
    await flushPromises();
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(ok()).toBe(true);
}

describe("support page", () => {
  test("support staff: the nav link, the empty state, then a granted thread linking to its view", async () => {
    const first = await mountAt("/support", sam.token);
    await until(() => first.wrapper.find(".empty").exists());
    expect(first.wrapper.find(".empty").text()).toBe("No thread is shared with support now.");
    expect(first.wrapper.find('nav a[href="/support"]').exists()).toBe(true);
    first.wrapper.unmount();

    const th = sampleThread({ title: "Parser hangs", visibility: "private" });
    expect((await call("PUT", `/api/threads/${th.id}`, olga.token, th)).status).toBeLessThan(300);
    const granted = await call("POST", `/api/threads/${th.id}/support-access`, olga.token);
    expect(granted.status).toBe(201);
    const { expiresAt } = (await granted.json()) as { expiresAt: string };

    const { wrapper, router } = await mountAt("/support", sam.token);
    await until(() => wrapper.findAll(".support-row").length === 1);
    const row = wrapper.find(".support-row");
    expect(row.find("a").text()).toBe("Parser hangs");
    expect(row.find("a").attributes("href")).toBe(`/threads/${th.id}`);
    expect(row.text()).toContain("Olga");
    expect(row.find("time").attributes("datetime")).toBe(expiresAt);
    await row.find("a").trigger("click");
    await until(() => router.currentRoute.value.path === `/threads/${th.id}`);
    wrapper.unmount();
  });

  test("anyone else: no nav link, and the server's refusal in one line", async () => {
    const { wrapper } = await mountAt("/support", olga.token);
    await until(() => wrapper.find(".error").exists());
    expect(wrapper.find(".error").text()).toContain(
      "only support staff list the threads shared with support",
    );
    expect(wrapper.find('nav a[href="/support"]').exists()).toBe(false);
    expect(wrapper.find(".support-row").exists()).toBe(false);
    wrapper.unmount();
  });
});
