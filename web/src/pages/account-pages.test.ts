/**
 * Sign-in, `/device`, sessions and the impersonation banner, mounted in happy-dom against the real
 * server app in-process. `fetch` keeps the session cookie as a browser would (and sends `Origin`
 * on state changes, as browsers do); mail goes to an in-memory mailer (the E2E test uses a real
 * SMTP server).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Mail } from "@loom/server/mailer";
import { testApp } from "@loom/server/test-helpers";
import { useDom } from "../../test/dom.ts";
import { appMounter } from "../../test/mount-app.ts";

useDom();
const { setToken, clearToken, getToken } = await import("../api/session.ts");
const { forgetMe, me } = await import("../api/me.ts");
const mounter = await appMounter();
const { mountAt } = mounter;
const until = (ok: () => boolean) => mounter.until(ok, 300);

const ORIGIN = "http://localhost";
const mails: Mail[] = [];
const { app, alice } = testApp({
  mailer: { send: async (m) => void mails.push(m) },
  oauth: { github: { type: "github", client_id: "loom-test", client_secret: "s3cret" } },
});
const realFetch = globalThis.fetch;
let cookie = "";

/** The app through a browser-like fetch: the cookie jar of one browser, `Origin` on non-GET requests. */
async function browserFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (cookie) headers.set("cookie", cookie);
  if ((init.method ?? "GET") !== "GET") headers.set("origin", ORIGIN);
  const res = await app.handle(new Request(new URL(String(input), ORIGIN), { ...init, headers }));
  const set = /loom_session=([^;]*)/.exec(res.headers.get("set-cookie") ?? "");
  if (set) cookie = set[1] ? `loom_session=${set[1]}` : "";
  return res;
}

const api = (method: string, path: string, o: { body?: unknown; bearer?: string } = {}) =>
  app.handle(
    new Request(`${ORIGIN}${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        ...(o.bearer ? { authorization: `Bearer ${o.bearer}` } : {}),
      },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    }),
  );

async function deviceCode() {
  const res = await api("POST", "/api/auth/device/code", { body: { client_name: "loom cli on ada-laptop" } });
  return (await res.json()) as { device_code: string; user_code: string };
}
const pollToken = async (device_code: string) =>
  (await (await api("POST", "/api/auth/device/token", { body: { device_code } })).json()) as {
    access_token?: string;
    error?: string;
  };

beforeAll(() => {
  globalThis.fetch = browserFetch as typeof fetch;
});
afterAll(() => {
  globalThis.fetch = realFetch;
});

/** Asks for a magic link in the sign-in page and follows the mailed link (the server sets the cookie). */
async function signInByMail(w: Awaited<ReturnType<typeof mountAt>>["wrapper"], email: string) {
  await until(() => w.find("#email").exists());
  await w.get("#email").setValue(email);
  await w.get("form.magic").trigger("submit");
  await until(() => w.text().includes("Check your mail"));
  await until(() => mails.length > 0);
  const mail = mails.shift() as Mail;
  expect(mail.to).toBe(email);
  const link = /http:\/\/localhost\/api\/auth\/magic-link\/verify\?token=\S+/.exec(mail.text)?.[0] as string;
  const res = await browserFetch(link);
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe("/");
  forgetMe();
}

let cliToken = "";

describe("account pages", () => {
  test("not signed in, /device?user_code=… goes to sign-in; the mailed link lands back on it; approve signs the CLI in", async () => {
    localStorage.clear();
    clearToken();
    const grant = await deviceCode();
    const { wrapper, router } = await mountAt(`/device?user_code=${grant.user_code}`);
    expect(router.currentRoute.value.path).toBe("/sign-in");
    expect(router.currentRoute.value.query.next).toBe(`/device?user_code=${grant.user_code}`);
    await until(() => wrapper.find(".oauth a").exists());
    expect(wrapper.get(".oauth a").attributes("href")).toBe("/api/auth/oauth/github/start");
    expect(wrapper.get(".oauth a").text()).toBe("Continue with GitHub");
    expect(wrapper.get("details.token").attributes("open")).toBeUndefined();

    await signInByMail(wrapper, "ada@example.com");
    // The server redirects to `/`, which takes the page the sign-in was for.
    await router.push("/");
    await until(
      () => router.currentRoute.value.path === "/device" && wrapper.text().includes("loom cli on ada-laptop"),
    );
    expect(router.currentRoute.value.query.user_code).toBe(grant.user_code);
    expect(wrapper.get(".confirm h2").text()).toBe("Sign in a device as ada@example.com?");
    expect(wrapper.get(".facts-list .code").text()).toBe(grant.user_code);
    expect((await pollToken(grant.device_code)).error).toBe("authorization_pending");

    const approve = wrapper.findAll("button").find((b) => b.text() === "Approve");
    await approve?.trigger("click");
    await until(() => wrapper.text().includes("Approved"));
    const got = await pollToken(grant.device_code);
    expect(got.access_token).toMatch(/^ls_/);
    cliToken = got.access_token as string;
    const who = (await (await api("GET", "/api/auth/me", { bearer: cliToken })).json()) as {
      user: { email: string };
    };
    expect(who.user.email).toBe("ada@example.com");
    wrapper.unmount();
  });

  test("/device: a malformed code and an unknown one get one line each; deny ends the CLI's wait", async () => {
    const { wrapper } = await mountAt("/device");
    await until(() => wrapper.find("#user-code").exists());
    await wrapper.get("#user-code").setValue("12");
    await wrapper.get("form").trigger("submit");
    await until(() => wrapper.find("[role=alert]").exists());
    expect(wrapper.get("[role=alert]").text()).toBe("A code has 9 digits, like 123-456-789.");
    await wrapper.get("#user-code").setValue("000 000 000");
    await wrapper.get("form").trigger("submit");
    const alert = () => document.querySelector("[role=alert]")?.textContent ?? "";
    await until(() => alert().startsWith("No pending sign-in"));

    const grant = await deviceCode();
    await wrapper.get("#user-code").setValue(grant.user_code.replaceAll("-", ""));
    await wrapper.get("form").trigger("submit");
    await until(() => wrapper.find(".confirm").exists());
    await wrapper
      .findAll("button")
      .find((b) => b.text() === "Deny")
      ?.trigger("click");
    await until(() => wrapper.text().includes("Denied"));
    expect((await pollToken(grant.device_code)).error).toBe("access_denied");
    wrapper.unmount();
  });

  test("sessions: listed with the current one marked; revoking another keeps this page; revoking this one signs out", async () => {
    const { wrapper, router } = await mountAt("/sessions");
    await until(() => wrapper.findAll(".session-row").length === 2);
    const rows = wrapper.findAll(".session-row");
    const current = rows.find((r) => r.classes("current"));
    expect(current?.text()).toContain("this browser");
    expect(current?.text()).toContain("Browser");
    const cli = rows.find((r) => !r.classes("current"));
    expect(cli?.text()).toContain("CLI / editor");
    await cli?.get("button").trigger("click");
    await until(() => wrapper.findAll(".session-row").length === 1);
    expect((await api("GET", "/api/auth/me", { bearer: cliToken })).status).toBe(401);
    expect(router.currentRoute.value.path).toBe("/sessions");

    await wrapper.get(".session-row.current button").trigger("click");
    await until(() => router.currentRoute.value.path === "/sign-in");
    expect(me.value).toBeNull();
    expect((await browserFetch("/api/auth/me")).status).toBe(401);
    wrapper.unmount();
  });

  test("a session ended elsewhere: the next API call is a 401 and the page goes to sign-in, keeping where it was", async () => {
    const signIn = await mountAt("/sign-in");
    await signInByMail(signIn.wrapper, "bo@example.com");
    signIn.wrapper.unmount();
    const { wrapper, router } = await mountAt("/threads");
    await until(() => wrapper.text().includes("bo@example.com"));
    const bo = me.value?.userId as string;
    // alice (the first account: system_admin) disables bo, which ends every session of theirs.
    expect((await api("POST", `/api/admin/users/${bo}/disable`, { bearer: alice })).status).toBe(204);
    await router.push("/sessions");
    await until(() => router.currentRoute.value.path === "/sign-in");
    expect(router.currentRoute.value.query.next).toBe("/sessions");
    expect(me.value).toBeNull();
    wrapper.unmount();
  });

  test("impersonation: a banner on every page while /api/auth/me says so; stopping ends that session", async () => {
    cookie = "";
    const ada = (await (await api("GET", "/api/admin/users", { bearer: alice })).json()) as {
      items: { id: string; email: string | null }[];
    };
    const adaId = ada.items.find((u) => u.email === "ada@example.com")?.id as string;
    const imp = (await (
      await api("POST", "/api/admin/impersonate", { bearer: alice, body: { userId: adaId } })
    ).json()) as { token: string };
    setToken(imp.token);
    forgetMe();
    const { wrapper, router } = await mountAt("/threads");
    await until(() => wrapper.find(".impersonation").exists());
    expect(wrapper.get(".impersonation").text()).toContain("You are acting as ada@example.com");
    await router.push("/sessions");
    await until(() => router.currentRoute.value.path === "/sessions");
    expect(wrapper.find(".impersonation").exists()).toBe(true);
    await wrapper.get(".impersonation button").trigger("click");
    await until(() => router.currentRoute.value.path === "/sign-in");
    expect(wrapper.find(".impersonation").exists()).toBe(false);
    expect(getToken()).toBeNull();
    expect((await api("GET", "/api/auth/me", { bearer: imp.token })).status).toBe(401);
    wrapper.unmount();
  });
});
