import { describe, expect, test } from "bun:test";
import { forEachBackend, type TestApp, testBackend } from "../_backends.ts";
import { SESSION_TTL_MS } from "../accounts/sessions.ts";
import { createAuthKit } from "./kit.ts";

const DAY = 24 * 3600 * 1000;

function kitOf(h: TestApp, publicUrl?: string) {
  return createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens, publicUrl });
}

const signIn = (ua = "test-agent/1", cookie?: string) =>
  new Request("http://localhost/api/auth/x", {
    headers: { "user-agent": ua, ...(cookie ? { cookie: `loom_session=${cookie}` } : {}) },
  });

forEachBackend(({ kind, testApp }) => {
  describe(`sessions [${kind}]`, () => {
    test("a web session is an HttpOnly SameSite=Lax cookie (Secure only over https) that /me resolves", async () => {
      const h = await testApp();
      const user = await kitOf(h).userForVerifiedEmail("Dee@Example.com", "Dee");
      expect(user.email).toBe("dee@example.com");
      const web = await kitOf(h).startSession(user.id, "web", signIn(), { method: "test" });
      expect(web.secret).toMatch(/^ls_[A-Za-z0-9_-]{43}$/);
      expect(web.setCookie).toContain(`loom_session=${web.secret}`);
      expect(web.setCookie).toContain("HttpOnly");
      expect(web.setCookie).toContain("SameSite=Lax");
      expect(web.setCookie).toContain(`Max-Age=${SESSION_TTL_MS / 1000}`);
      expect(web.setCookie).not.toContain("Secure");
      const https = await kitOf(h, "https://loom.example").startSession(user.id, "web", signIn());
      expect(https.setCookie).toContain("Secure");

      const me = await h.call("GET", "/api/auth/me", { headers: { cookie: `loom_session=${web.secret}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({
        userId: user.id,
        via: "session",
        sessionId: web.session.id,
        user: { email: "dee@example.com", displayName: "Dee" },
      });
      // Only the hash is stored.
      expect(JSON.stringify(await h.rows("SELECT * FROM sessions"))).not.toContain(web.secret);
      const audit = await h.backend.accounts.audit.query({ action: "auth.sign_in", limit: 10 });
      expect(audit.items[0]).toMatchObject({ actorId: user.id, detail: { kind: "web" } });
    });

    test("signing in again rotates the session: the cookie the request carried stops working", async () => {
      const h = await testApp();
      const user = await kitOf(h).userForVerifiedEmail("eve@example.com");
      const first = await kitOf(h).startSession(user.id, "web", signIn());
      const second = await kitOf(h).startSession(user.id, "web", signIn("ua", first.secret));
      expect(second.session.id).not.toBe(first.session.id);
      const cookie = (s: string) => ({ headers: { cookie: `loom_session=${s}` } });
      expect((await h.call("GET", "/api/auth/me", cookie(first.secret))).status).toBe(401);
      expect((await h.call("GET", "/api/auth/me", cookie(second.secret))).status).toBe(200);
    });

    test("cookie-authenticated changes need this server's Origin (CSRF); bearer ones do not", async () => {
      const h = await testApp({ publicUrl: "https://loom.example" });
      const user = await kitOf(h).userForVerifiedEmail("fay@example.com");
      const { secret } = await kitOf(h).startSession(user.id, "web", signIn());
      const post = (headers: Record<string, string>) =>
        h.call("POST", "/api/auth/logout", { headers: { cookie: `loom_session=${secret}`, ...headers } });
      const none = await post({});
      expect(none.status).toBe(403);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe("CSRF_REJECTED");
      expect((await post({ origin: "https://evil.example" })).status).toBe(403);
      expect((await post({ referer: "https://evil.example/page" })).status).toBe(403);
      // Reads need no Origin.
      expect(
        (await h.call("GET", "/api/auth/me", { headers: { cookie: `loom_session=${secret}` } })).status,
      ).toBe(200);
      const ok = await post({ origin: "https://loom.example" });
      expect(ok.status).toBe(204);
      expect(ok.headers.get("set-cookie")).toContain("Max-Age=0");
      expect(
        (await h.call("GET", "/api/auth/me", { headers: { cookie: `loom_session=${secret}` } })).status,
      ).toBe(401);
      const out = await h.backend.accounts.audit.query({ action: "auth.sign_out", limit: 10 });
      expect(out.items).toHaveLength(1);

      // A CLI session is a bearer token: not ambient, so no Origin check.
      const cli = await kitOf(h).startSession(user.id, "cli", signIn());
      expect(cli.setCookie).toBeUndefined();
      // Ending a bearer session (a tab's impersonation session) leaves the browser's cookie alone.
      const bearerOut = await h.call("POST", "/api/auth/logout", { token: cli.secret });
      expect(bearerOut.status).toBe(204);
      expect(bearerOut.headers.get("set-cookie")).toBeNull();
    });

    test("sessions are listed with created/last used/IP/user agent and revocable, only by their user", async () => {
      const h = await testApp();
      const kit = kitOf(h);
      const gil = await kit.userForVerifiedEmail("gil@example.com");
      const hal = await kit.userForVerifiedEmail("hal@example.com");
      const a = await kit.startSession(gil.id, "cli", signIn("loom-cli/1"));
      const b = await kit.startSession(gil.id, "web", signIn("Firefox"));
      const other = await kit.startSession(hal.id, "cli", signIn());
      const list = await h.call("GET", "/api/auth/sessions", { token: a.secret });
      const items = ((await list.json()) as { items: Record<string, unknown>[] }).items;
      expect(items.map((s) => s.id).sort()).toEqual([a.session.id, b.session.id].sort());
      expect(items.find((s) => s.id === a.session.id)).toMatchObject({
        kind: "cli",
        userAgent: "loom-cli/1",
        current: true,
      });
      expect(items[0]).toHaveProperty("lastUsedAt");
      expect(items[0]).toHaveProperty("ip");
      // Another user's session: 404, and it keeps working.
      expect(
        (await h.call("DELETE", `/api/auth/sessions/${other.session.id}`, { token: a.secret })).status,
      ).toBe(404);
      expect((await h.call("GET", "/api/auth/me", { token: other.secret })).status).toBe(200);
      expect((await h.call("DELETE", `/api/auth/sessions/${b.session.id}`, { token: a.secret })).status).toBe(
        204,
      );
      expect((await h.call("GET", "/api/auth/me", { token: b.secret })).status).toBe(401);
      expect((await h.call("GET", "/api/auth/me", { token: a.secret })).status).toBe(200);
    });

    test("60-day sliding expiry: use keeps a session alive, 60 idle days end it", async () => {
      let now = Date.parse("2026-12-01T00:00:00Z");
      const h = await testApp({ clock: () => new Date(now) });
      const kit = kitOf(h);
      const u = await kit.userForVerifiedEmail("ida@example.com");
      const { secret } = await kit.startSession(u.id, "cli", signIn());
      for (let i = 0; i < 3; i++) {
        now += 50 * DAY;
        expect((await h.call("GET", "/api/auth/me", { token: secret })).status).toBe(200);
      }
      now += 61 * DAY;
      expect((await h.call("GET", "/api/auth/me", { token: secret })).status).toBe(401);
    });

    test("a disabled user's sessions and tokens stop at once", async () => {
      const h = await testApp();
      const kit = kitOf(h);
      const u = await kit.userForVerifiedEmail("jo@example.com");
      const { secret } = await kit.startSession(u.id, "cli", signIn());
      expect(await h.backend.accounts.users.disable("bob")).toBe(true);
      expect(await h.backend.accounts.users.disable(u.id)).toBe(true);
      expect((await h.call("GET", "/api/auth/me", { token: secret })).status).toBe(401);
      expect((await h.call("GET", "/api/auth/me", { token: h.bob })).status).toBe(401);
      expect((await h.call("GET", "/api/auth/me", { token: h.alice })).status).toBe(200);
    });

    test("the first account on a new server becomes system_admin, later ones do not", async () => {
      const b = await testBackend(kind);
      try {
        const first = await b.accounts.users.createUser({ email: "first@example.com" });
        const second = await b.accounts.users.createUser({ email: "second@example.com" });
        expect(first.roles).toEqual(["system_admin"]);
        expect(second.roles).toEqual([]);
      } finally {
        await b.close();
      }
    });
  });
});
