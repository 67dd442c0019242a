/**
 * The thread view's sharing controls and live updates, and a shared link signed out: pages mounted in
 * happy-dom against the real server app in-process (fetch → app.handle, the SSE stream included).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sampleThread, testApp } from "@loom/server/test-helpers";
import { useDom } from "../../test/dom.ts";

useDom();
// Vue keeps the `document` it finds when first loaded: load it only once the DOM is in place.
const { flushPromises, mount } = await import("@vue/test-utils");
const { createMemoryHistory } = await import("vue-router");
const { default: App } = await import("../App.vue");
const { clearToken, setToken } = await import("../api/session.ts");
const { createLoomRouter } = await import("../router.ts");

const { app, alice, bob, call } = testApp();
const realFetch = globalThis.fetch;
const thread = sampleThread({ title: "Share me", visibility: "team" });
/** Paths the pages fetched, once answered (the event stream: once subscribed). */
const answered: string[] = [];

beforeAll(async () => {
  expect((await call("PUT", `/api/threads/${thread.id}`, { token: alice, body: thread })).status).toBe(201);
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://localhost");
    const res = await app.handle(new Request(url, init));
    answered.push(url.pathname);
    return res;
  }) as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

async function mountAt(path: string) {
  const router = createLoomRouter(createMemoryHistory());
  await router.push(path);
  await router.isReady();
  const wrapper = mount(App, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

/** Waits (bounded) until `ok()` holds, flushing promises and timers in between. */
async function until(ok: () => boolean) {
  for (let i = 0; i < 400 && !ok(); i++) {
    await flushPromises();
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(ok()).toBe(true);
}

const stored = async () =>
  (await (await call("GET", `/api/threads/${thread.id}`, { token: alice })).json()) as {
    visibility: string;
    version: number;
    messages: unknown[];
  };

describe("thread sharing and live updates", () => {
  test("the owner changes visibility, creates an expiring link, and revokes it", async () => {
    setToken(alice);
    const w = await mountAt(`/threads/${thread.id}`);
    await until(() => w.find(".share").exists());
    await w.get("#visibility-choice").setValue("public");
    await until(() => w.get(".facts .visibility").text() === "public");
    expect((await stored()).visibility).toBe("public");

    await w.get("#share-expiry").setValue("7");
    await w.get(".share button").trigger("click");
    await until(() => w.find("#share-url").exists() && w.findAll(".share-links li").length === 1);
    const url = (w.get("#share-url").element as HTMLInputElement).value;
    expect(url).toMatch(/\/s\/[0-9a-f]{48}$/);
    expect(w.get(".share-links li").attributes("data-state")).toBe("live");
    expect(w.get(".share-links li").text()).toContain("expires");
    const token = url.split("/s/")[1] as string;
    expect((await call("GET", `/api/shared/${token}`)).status).toBe(200);

    await w.get(".share-links li button").trigger("click");
    await until(() => w.get(".share-links li").attributes("data-state") === "revoked");
    expect(w.find("#share-url").exists()).toBe(false);
    expect((await call("GET", `/api/shared/${token}`)).status).toBe(404);
    w.unmount();
  });

  test("someone who only reads the thread gets no sharing controls", async () => {
    setToken(bob);
    const asked = answered.length;
    const w = await mountAt(`/threads/${thread.id}`);
    await until(() => w.find("h1").text() === "Share me");
    // The controls ask the server once: wait for that answer before checking they stay hidden.
    await until(() => answered.slice(asked).includes(`/api/threads/${thread.id}/share-links`));
    await flushPromises();
    expect(w.find(".share").exists()).toBe(false);
    w.unmount();
  });

  test("a write while the thread is open shows the new version in place", async () => {
    setToken(alice);
    const asked = answered.length;
    const w = await mountAt(`/threads/${thread.id}`);
    await until(() => w.find("h1").text() === "Share me");
    // The page's event stream is open (subscribed on the server) before the write: the event brings it.
    await until(() => answered.slice(asked).includes("/api/threads/events"));
    const before = await stored();
    const res = await call("PUT", `/api/threads/${thread.id}`, {
      token: alice,
      body: {
        ...thread,
        title: "Share me (live)",
        visibility: before.visibility,
        messages: [...thread.messages, { role: "assistant", content: "A live reply." }],
      },
      headers: { "if-match": String(before.version) },
    });
    expect(res.status).toBe(200);
    await until(() => w.find("h1").text() === "Share me (live)");
    expect(w.get(".facts .count").text()).toBe("3");
    w.unmount();
  });

  test("a shared link opens the thread signed out, read-only; a revoked one says so", async () => {
    const link = (await (
      await call("POST", `/api/threads/${thread.id}/share-links`, { token: alice, body: {} })
    ).json()) as { token: string; id: string };
    clearToken();
    const w = await mountAt(`/s/${link.token}`);
    await until(() => w.find("h1").exists() && w.get("h1").text().startsWith("Share me"));
    expect(w.text()).toContain("read-only link");
    expect(w.find(".share").exists()).toBe(false);
    w.unmount();
    await call("DELETE", `/api/threads/${thread.id}/share-links/${link.id}`, { token: alice });
    const gone = await mountAt(`/s/${link.token}`);
    await until(() => gone.find("[role=alert]").exists());
    expect(gone.get("[role=alert]").text()).toBe("This share link is unknown, expired or revoked.");
    gone.unmount();
  });
});
