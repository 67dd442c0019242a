/**
 * The weaver pages in happy-dom against the real server app in-process with the in-memory weaver
 * driver (the local driver and the terminal in Chromium: tests/web/weavers.e2e.test.ts): the list,
 * creating (and the 429 limit's one line), a weaver's page with its log over the SSE route, a task
 * weaver without a terminal, deleting with confirmation, and the terminal's wire (a fake WebSocket:
 * resize on connect, keystrokes as binary frames, output written to xterm, the closed state).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { silentLogger } from "@loom/server/logger";
import { testApp } from "@loom/server/test-helpers";
import { memoryDriver } from "@loom/server/weaver-memory-driver";
import { createWeaverService } from "@loom/server/weaver-service";
import { useDom, win } from "../../../test/dom.ts";
import { appMounter } from "../../../test/mount-app.ts";

useDom();
const { flushPromises } = await import("@vue/test-utils");
const { setToken } = await import("../../api/session.ts");
const { forgetMe } = await import("../../api/me.ts");
const mounter = await appMounter();
const { mountAt } = mounter;
const until = (ok: () => boolean) => mounter.until(ok, 400);

const driver = memoryDriver();
const weavers = createWeaverService({
  driver,
  tokenKey: new Uint8Array(32).fill(3),
  serverUrl: () => "http://127.0.0.1:9",
  settings: { maxPerUser: 2 },
  log: silentLogger,
});
const { app, alice } = testApp({ weavers });
const realFetch = globalThis.fetch;
const g = globalThis as Record<string, unknown>;
const realWebSocket = g.WebSocket;

/** A stand-in for the browser's WebSocket: records what the page sends, lets the test answer. */
class FakeSocket {
  static OPEN = 1;
  static last: FakeSocket | undefined;
  readyState = 0;
  binaryType = "blob";
  sent: (string | Uint8Array)[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(d: string | Uint8Array) {
    this.sent.push(d);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  serverClose(code: number, reason: string) {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

function lastSocket(): FakeSocket {
  if (!FakeSocket.last) throw new Error("no WebSocket was opened");
  return FakeSocket.last;
}

beforeAll(() => {
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    app.handle(new Request(new URL(String(input), "http://localhost"), init))) as typeof fetch;
  g.WebSocket = FakeSocket;
  setToken(alice);
  forgetMe();
});
afterAll(() => {
  globalThis.fetch = realFetch;
  g.WebSocket = realWebSocket;
});

describe("weaver pages", () => {
  test("create from the list page, land on its page with its log; the limit's 429 is one line", async () => {
    const { wrapper, router } = await mountAt("/weavers");
    expect(wrapper.find("nav a[href='/weavers']").exists()).toBe(true);
    await until(() => wrapper.text().includes("No weavers yet."));
    await wrapper.get("#weaver-repo").setValue("/srv/app");
    await wrapper.get("#weaver-branch").setValue("main");
    await wrapper.get("#weaver-ttl").setValue("8h");
    await wrapper.get("form.new-weaver").trigger("submit");
    await until(() => router.currentRoute.value.path.startsWith("/weavers/weaver-"));
    const id = String(router.currentRoute.value.params.id);
    expect(driver.specs.get(id)).toMatchObject({ repo: "/srv/app", branch: "main", ttlMs: 8 * 3600_000 });
    await until(() => wrapper.findAll(".log-line").length === 2);
    expect(wrapper.findAll(".log-line").map((l) => l.text().slice(9))).toEqual(["cloning /srv/app", "ready"]);
    expect(wrapper.get(".weaver-status").text()).toBe("running");
    wrapper.unmount();

    // A second one is allowed, the third is the server's 429 in one line.
    await driver.create({ id: "weaver-2", owner: { userId: "alice" }, repo: "/srv/b", ttlMs: 3600_000 });
    const list = await mountAt("/weavers");
    await until(() => list.wrapper.findAll(".weaver-row").length === 2);
    await list.wrapper.get("#weaver-repo").setValue("/srv/c");
    await list.wrapper.get("form.new-weaver").trigger("submit");
    await until(() => list.wrapper.find("form.new-weaver [role=alert]").exists());
    expect(list.wrapper.get("form.new-weaver [role=alert]").text()).toBe(
      "Could not start the weaver: you have 2 weavers running, the most one person may ([weavers] max_per_user = 2): delete one first",
    );
    expect(list.router.currentRoute.value.path).toBe("/weavers");

    // Delete asks first: cancelled keeps it, confirmed removes it.
    let asked = "";
    let answer = false;
    (win as unknown as { confirm: (m: string) => boolean }).confirm = (m: string) => {
      asked = m;
      return answer;
    };
    await list.wrapper.get("button[aria-label='Delete weaver-2']").trigger("click");
    await flushPromises();
    expect(asked).toContain("Delete weaver-2?");
    expect(await driver.get("weaver-2")).toBeDefined();
    answer = true;
    await list.wrapper.get("button[aria-label='Delete weaver-2']").trigger("click");
    await until(() => list.wrapper.findAll(".weaver-row").length === 1);
    expect(await driver.get("weaver-2")).toBeUndefined();
    list.wrapper.unmount();
  });

  test("a task weaver and a finished one have no terminal; an unknown id is one line", async () => {
    FakeSocket.last = undefined;
    await driver.create({
      id: "weaver-task",
      owner: { userId: "alice" },
      repo: "/srv/t",
      ttlMs: 60_000,
      task: "fix it",
    });
    const t = await mountAt("/weavers/weaver-task");
    await until(() => t.wrapper.find(".terminal-none").exists());
    expect(t.wrapper.get(".terminal-none").text()).toContain("runs a task: it has no terminal");
    expect(FakeSocket.last).toBeUndefined();
    t.wrapper.unmount();
    driver.set("weaver-task", { task: undefined, status: "failed", reason: "clone failed", exitCode: 128 });
    const f = await mountAt("/weavers/weaver-task");
    await until(() => f.wrapper.find(".terminal-none").exists());
    expect(f.wrapper.get(".terminal-none").text()).toBe(
      "The weaver is failed: there is no terminal to attach to.",
    );
    expect(f.wrapper.text()).toContain("clone failed");
    f.wrapper.unmount();
    const u = await mountAt("/weavers/weaver-nope");
    await until(() => u.wrapper.find("[role=alert]").exists());
    expect(u.wrapper.get("[role=alert]").text()).toBe("No weaver weaver-nope here (deleted, or not yours).");
    u.wrapper.unmount();
  });

  test("the terminal: resize on connect, keystrokes as binary frames, output shown, closed state", async () => {
    FakeSocket.last = undefined;
    await driver.create({ id: "weaver-repl", owner: { userId: "alice" }, repo: "/srv/r", ttlMs: 60_000 });
    const { wrapper } = await mountAt("/weavers/weaver-repl");
    await until(() => FakeSocket.last !== undefined && wrapper.find(".terminal-state").exists());
    const ws = lastSocket();
    expect(ws.url).toMatch(/^ws:\/\/loom\.test\/api\/weaver\/weaver-repl\/attach\?cols=\d+&rows=\d+$/);
    ws.open();
    await flushPromises();
    expect(wrapper.get(".terminal-state").text()).toBe("Attached. Typing goes to the weaver.");
    const resize = JSON.parse(String(ws.sent[0]));
    expect(resize).toMatchObject({ type: "resize" });
    expect(resize.cols).toBeGreaterThan(0);
    // Typing into xterm's input goes out as bytes.
    const input = wrapper.get("textarea.xterm-helper-textarea").element as HTMLTextAreaElement;
    input.dispatchEvent(new win.KeyboardEvent("keydown", { key: "a", keyCode: 65 }) as unknown as Event);
    input.dispatchEvent(
      new win.KeyboardEvent("keypress", { key: "a", charCode: 97, keyCode: 97 } as never) as unknown as Event,
    );
    await until(() => ws.sent.some((d) => d instanceof Uint8Array));
    const typed = ws.sent.find((d) => d instanceof Uint8Array) as Uint8Array;
    expect(new TextDecoder().decode(typed)).toBe("a");
    // Output reaches the terminal's buffer.
    ws.onmessage?.({ data: new TextEncoder().encode("hello from the weaver").buffer });
    await until(() => wrapper.get(".terminal-box").text().includes("hello from the weaver"));
    ws.serverClose(1000, "weaver terminal closed");
    await flushPromises();
    expect(wrapper.get(".terminal-state").text()).toBe("Not attached: weaver terminal closed");
    expect(wrapper.find("button.ghost").exists()).toBe(true);
    wrapper.unmount();
  });
});
