import { describe, expect, test } from "bun:test";
import { forEachBackend, type TestApp } from "../_backends.ts";
import { createAuthKit } from "./kit.ts";

function clockAt(start: string) {
  let now = Date.parse(start);
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}

async function start(h: TestApp) {
  const res = await h.call("POST", "/api/auth/device/code", { body: { client_name: "loom cli" } });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    device_code: string;
    user_code: string;
    verification_uri: string;
    verification_uri_complete: string;
    expires_in: number;
    interval: number;
  };
}

const poll = async (h: TestApp, device_code: string) => {
  const res = await h.call("POST", "/api/auth/device/token", {
    body: { device_code, grant_type: "urn:ietf:params:oauth:grant-type:device_code" },
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
};

async function signedInUser(h: TestApp, email: string, origin = "http://localhost") {
  const kit = createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens });
  const user = await kit.userForVerifiedEmail(email);
  const { secret } = await kit.startSession(user.id, "web", new Request("http://localhost/"));
  return { user, cookie: { cookie: `loom_session=${secret}`, origin } };
}

forEachBackend(({ kind, testApp }) => {
  describe(`device code [${kind}]`, () => {
    test("code → pending → slow_down → approved by a signed-in user → one cli session, then invalid_grant", async () => {
      const t = clockAt("2026-12-03T12:00:00.000Z");
      const h = await testApp({ clock: t.clock, publicUrl: "https://loom.example/" });
      const g = await start(h);
      expect(g.user_code).toMatch(/^\d{3}-\d{3}-\d{3}$/);
      expect(g.device_code).toMatch(/^ldc_/);
      expect(g).toMatchObject({
        verification_uri: "https://loom.example/device",
        expires_in: 600,
        interval: 5,
      });
      expect(g.verification_uri_complete).toBe(`https://loom.example/device?user_code=${g.user_code}`);
      // Only the hash of the device code is stored.
      expect(JSON.stringify(await h.rows("SELECT * FROM device_codes"))).not.toContain(g.device_code);

      expect(await poll(h, g.device_code)).toMatchObject({
        status: 400,
        body: { error: "authorization_pending" },
      });
      t.advance(1000);
      expect((await poll(h, g.device_code)).body.error).toBe("slow_down");
      // The interval is now 10 s: 6 s later is still too fast, 11 s later is fine.
      t.advance(6000);
      expect((await poll(h, g.device_code)).body.error).toBe("slow_down");
      t.advance(16_000);
      expect((await poll(h, g.device_code)).body.error).toBe("authorization_pending");

      const { user, cookie } = await signedInUser(h, "ada@example.com", "https://loom.example");
      // Not signed in: 401; a wrong code: 404.
      expect(
        (await h.call("POST", "/api/auth/device/approve", { body: { user_code: g.user_code } })).status,
      ).toBe(401);
      expect(
        (
          await h.call("POST", "/api/auth/device/approve", {
            body: { user_code: "000-000-000" },
            headers: cookie,
          })
        ).status,
      ).toBe(404);
      const ok = await h.call("POST", "/api/auth/device/approve", {
        body: { user_code: g.user_code.replaceAll("-", " ") },
        headers: cookie,
      });
      expect(ok.status).toBe(204);
      // Approving twice is not possible.
      expect(
        (
          await h.call("POST", "/api/auth/device/approve", {
            body: { user_code: g.user_code },
            headers: cookie,
          })
        ).status,
      ).toBe(404);

      t.advance(30_000);
      const got = await poll(h, g.device_code);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ token_type: "Bearer", user_id: user.id });
      expect(got.body.access_token).toMatch(/^ls_/);
      const me = await h.call("GET", "/api/auth/me", { token: got.body.access_token });
      expect(await me.json()).toMatchObject({
        userId: user.id,
        via: "session",
        user: { email: "ada@example.com" },
      });
      const sessions = await h.backend.accounts.sessions.list(user.id);
      expect(sessions.map((s) => s.kind).sort()).toEqual(["cli", "web"]);

      t.advance(30_000);
      expect((await poll(h, g.device_code)).body.error).toBe("invalid_grant");
      const audit = await h.backend.accounts.audit.query({ action: "auth.sign_in", limit: 10 });
      expect(audit.items[0]).toMatchObject({
        actorId: user.id,
        detail: { method: "device-code", kind: "cli" },
      });
      const approved = await h.backend.accounts.audit.query({ action: "auth.device_approved", limit: 10 });
      expect(approved.items).toHaveLength(1);
    });

    test("denied → access_denied; after 600 s → expired_token; both audited as failures", async () => {
      const t = clockAt("2026-12-03T12:00:00.000Z");
      const h = await testApp({ clock: t.clock });
      const a = await start(h);
      const b = await start(h);
      expect(a.verification_uri).toBe("http://localhost/device");
      const { cookie } = await signedInUser(h, "bo@example.com");
      const no = await h.call("POST", "/api/auth/device/approve", {
        body: { user_code: a.user_code, approve: false },
        headers: cookie,
      });
      expect(no.status).toBe(204);
      expect((await poll(h, a.device_code)).body.error).toBe("access_denied");
      t.advance(600_000);
      expect((await poll(h, b.device_code)).body.error).toBe("expired_token");
      // Too late to approve as well.
      expect(
        (
          await h.call("POST", "/api/auth/device/approve", {
            body: { user_code: b.user_code },
            headers: cookie,
          })
        ).status,
      ).toBe(404);
      const failed = await h.backend.accounts.audit.query({ action: "auth.sign_in_failed", limit: 10 });
      expect(
        failed.items.map((e) => e.detail).sort((x, y) => String(x.reason).localeCompare(String(y.reason))),
      ).toEqual([
        { method: "device-code", reason: "access_denied" },
        { method: "device-code", reason: "expired_token" },
      ]);
    });

    test("bad input: unknown code, wrong grant type, missing body, cross-site approval", async () => {
      const h = await testApp();
      expect(await poll(h, "ldc_nope")).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
      const g = await start(h);
      const wrong = await h.call("POST", "/api/auth/device/token", {
        body: { device_code: g.device_code, grant_type: "password" },
      });
      expect(((await wrong.json()) as { error: string }).error).toBe("unsupported_grant_type");
      expect((await h.call("POST", "/api/auth/device/token", { body: {} })).status).toBe(400);
      const { cookie } = await signedInUser(h, "cy@example.com");
      const csrf = await h.call("POST", "/api/auth/device/approve", {
        body: { user_code: g.user_code },
        headers: { ...cookie, origin: "https://evil.example" },
      });
      expect(csrf.status).toBe(403);
      expect((await poll(h, g.device_code)).body.error).toBe("authorization_pending");
    });
    test("pending: what a live code would sign in, for signed-in people only; gone once decided", async () => {
      const t = clockAt("2026-12-03T12:00:00.000Z");
      const h = await testApp({ clock: t.clock });
      const g = await start(h);
      const { cookie } = await signedInUser(h, "di@example.com");
      const look = (code: string, headers: Record<string, string> = cookie) =>
        h.call("GET", `/api/auth/device/pending?user_code=${encodeURIComponent(code)}`, { headers });
      expect((await look(g.user_code, {})).status).toBe(401);
      const res = await look(g.user_code.replaceAll("-", " "));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        userCode: g.user_code,
        clientName: "loom cli",
        createdAt: "2026-12-03T12:00:00.000Z",
        expiresAt: "2026-12-03T12:10:00.000Z",
      });
      expect((await look("123")).status).toBe(404);
      expect(
        (
          await h.call("POST", "/api/auth/device/approve", {
            body: { user_code: g.user_code },
            headers: cookie,
          })
        ).status,
      ).toBe(204);
      expect((await look(g.user_code)).status).toBe(404);
      const late = await start(h);
      t.advance(600_000);
      expect((await look(late.user_code)).status).toBe(404);
    });
  });
});
