/**
 * OIDC sign-in against a real OpenID provider (`oidc-provider`, on loopback): discovery, code + PKCE,
 * a signed ID token, the provider's own login and consent pages driven by a minimal browser. Refusals:
 * bad state, nonce mismatch, expired ID token, wrong audience, unverified e-mail. GitHub (OAuth, not OIDC) against a
 * loopback stand-in of its documented endpoints. Both databases.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer, type Server } from "node:http";
import { forEachBackend, type TestApp } from "@loom/server/test-backends";
// @ts-expect-error oidc-provider ships no types
import Provider from "oidc-provider";
import { createBrowser } from "./_browser.ts";
import { startGithubStandIn } from "./_github-standin.ts";

const LOOM = "http://loom.test";
let issuer = "";
let http: Server;
/** The `aud` the provider puts in ID tokens (normally the client id). */
let audience = "loom";

beforeAll(async () => {
  http = createServer();
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  issuer = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: "loom",
        client_secret: "loom-secret",
        redirect_uris: [`${LOOM}/api/auth/oauth/okta/callback`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    // The login name is the address; `unverified:` in front makes the provider say it is not verified.
    async findAccount(_ctx: unknown, id: string) {
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          email: id.replace(/^unverified:/, ""),
          email_verified: !id.startsWith("unverified:"),
          name: "Ada Lovelace",
        }),
      };
    },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ["oidc-test-cookie-key"] },
  });
  http.on("request", provider.callback());
  // A misissued ID token: the provider's own IdToken, signed with its key, but for another audience.
  const issue = provider.IdToken.prototype.issue;
  provider.IdToken.prototype.issue = function (this: { client: object }, opts: unknown) {
    if (audience !== "loom") {
      const real = this.client;
      this.client = new Proxy(real, {
        get: (t, k) => (k === "clientId" ? audience : Reflect.get(t, k, t)),
      });
    }
    return issue.call(this, opts);
  };
});
afterAll(() => new Promise<void>((r) => http.close(() => r())));

const github = startGithubStandIn({
  clientId: "gh-client",
  clientSecret: "gh-secret",
  users: {
    octo: {
      login: "octo",
      name: "Octo Cat",
      emails: [
        { email: "octo@users.noreply.github.com", primary: false, verified: true, visibility: null },
        { email: "Octo@Example.com", primary: true, verified: true, visibility: "public" },
      ],
    },
    shy: {
      login: "shy",
      name: null,
      emails: [{ email: "shy@example.com", primary: true, verified: false, visibility: null }],
    },
  },
});
afterAll(() => github.stop());
const gh = () => ({
  github: { type: "github" as const, client_id: "gh-client", client_secret: "gh-secret", issuer: github.url },
});

const okta = () => ({
  okta: { type: "oidc" as const, client_id: "loom", client_secret: "loom-secret", issuer },
});

async function signIn(h: TestApp, login: string) {
  const b = createBrowser(LOOM, (r) => h.app.handle(r));
  const callback = await b.visit(`${LOOM}/api/auth/oauth/okta/start`, /\/callback$/, {
    login,
    password: "x",
  });
  return { b, callback };
}

const decode = (v: string) => JSON.parse(Buffer.from(v, "base64url").toString("utf8"));
const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

forEachBackend(({ kind, testApp }) => {
  describe(`OIDC sign-in [${kind}]`, () => {
    test("providers listed; discovery, code + PKCE + nonce, signed ID token → session cookie, account linked by e-mail", async () => {
      const h = await testApp({ publicUrl: LOOM, oauth: okta() });
      const providers = await (await h.call("GET", "/api/auth/providers")).json();
      expect(providers).toEqual({
        oauth: [{ name: "okta", type: "oidc", displayName: "okta", url: "/api/auth/oauth/okta/start" }],
        magicLink: false,
        deviceCode: true,
      });
      const { b, callback } = await signIn(h, "ada@example.com");
      expect(callback.searchParams.get("code")).toBeTruthy();
      const res = await b.request(callback);
      if (res.status !== 302) throw new Error(await res.text());
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe("/");
      const me = await b.request(`${LOOM}/api/auth/me`);
      expect(await me.json()).toMatchObject({
        via: "session",
        user: { email: "ada@example.com", displayName: "Ada Lovelace" },
      });
      // The state cookie is gone; signing in again finds the same account.
      expect(b.jar.get("loom.test")?.has("loom_oauth")).toBe(false);
      const again = await signIn(h, "ada@example.com");
      expect((await again.b.request(again.callback)).status).toBe(302);
      expect(await h.rows("SELECT email FROM users WHERE email IS NOT NULL")).toEqual([
        { email: "ada@example.com" },
      ]);
      const audit = await h.backend.accounts.audit.query({ action: "auth.sign_in", limit: 5 });
      expect(audit.items[0]?.detail).toMatchObject({ method: "oidc:okta", kind: "web" });
    });

    test("refused: bad state, nonce mismatch, no state cookie, unverified e-mail, expired ID token, wrong audience; each audited", async () => {
      const h = await testApp({ publicUrl: LOOM, oauth: okta() });
      const tamper = async (change: (c: Record<string, string>) => void) => {
        const { b, callback } = await signIn(h, "bo@example.com");
        const jar = b.jar.get("loom.test") as Map<string, string>;
        const c = decode(jar.get("loom_oauth") as string);
        change(c);
        jar.set("loom_oauth", encode(c));
        const res = await b.request(callback);
        expect(res.status).toBe(400);
        expect(res.headers.get("set-cookie") ?? "").not.toContain("loom_session");
        return ((await res.json()) as { error: { message: string } }).error.message;
      };
      expect(await tamper((c) => (c.state = "forged"))).toContain("state");
      expect(await tamper((c) => (c.nonce = "forged"))).toContain("nonce");
      const { b, callback } = await signIn(h, "bo@example.com");
      b.jar.get("loom.test")?.delete("loom_oauth");
      expect((await b.request(callback)).status).toBe(400);

      const unverified = await signIn(h, "unverified:cy@example.com");
      const r = await unverified.b.request(unverified.callback);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: { message: string } }).error.message).toContain("did not verify");

      // Loom's clock two hours ahead of the provider's: the ID token (1 hour) has expired.
      const late = await testApp({
        publicUrl: LOOM,
        oauth: okta(),
        clock: () => new Date(Date.now() + 2 * 3600_000),
      });
      const x = await signIn(late, "dee@example.com");
      const lr = await x.b.request(x.callback);
      expect(lr.status).toBe(400);
      expect(((await lr.json()) as { error: { message: string } }).error.message).toMatch(/exp/);

      audience = "someone-else";
      try {
        const w = await signIn(h, "eve@example.com");
        const wr = await w.b.request(w.callback);
        expect(wr.status).toBe(400);
        expect(((await wr.json()) as { error: { message: string } }).error.message).toContain("aud");
      } finally {
        audience = "loom";
      }

      expect(await h.rows("SELECT email FROM users WHERE email IS NOT NULL")).toEqual([]);
      const failed = await h.backend.accounts.audit.query({ action: "auth.sign_in_failed", limit: 10 });
      expect(failed.items).toHaveLength(5);
      expect(failed.items.every((e) => e.detail.method === "oidc:okta")).toBe(true);
    });
  });

  describe(`GitHub sign-in [${kind}]`, () => {
    test("authorize → access_token (PKCE, secret) → /user/emails: the primary verified address signs in", async () => {
      const h = await testApp({ publicUrl: LOOM, oauth: gh() });
      github.as("octo");
      const b = createBrowser(LOOM, (r) => h.app.handle(r));
      const callback = await b.visit(`${LOOM}/api/auth/oauth/github/start`, /\/callback$/);
      const res = await b.request(callback);
      expect(res.status).toBe(302);
      const me = await b.request(`${LOOM}/api/auth/me`);
      expect(await me.json()).toMatchObject({ user: { email: "octo@example.com", displayName: "Octo Cat" } });
      const audit = await h.backend.accounts.audit.query({ action: "auth.sign_in", limit: 5 });
      expect(audit.items[0]?.detail).toMatchObject({ method: "github" });
    });

    test("refused: no verified address, a forged state, a replayed code", async () => {
      const h = await testApp({ publicUrl: LOOM, oauth: gh() });
      github.as("shy");
      const b = createBrowser(LOOM, (r) => h.app.handle(r));
      const cb = await b.visit(`${LOOM}/api/auth/oauth/github/start`, /\/callback$/);
      const shy = await b.request(cb);
      expect(shy.status).toBe(400);
      expect(((await shy.json()) as { error: { message: string } }).error.message).toContain(
        "no verified e-mail",
      );

      github.as("octo");
      const c2 = await b.visit(`${LOOM}/api/auth/oauth/github/start`, /\/callback$/);
      const forged = new URL(c2);
      forged.searchParams.set("state", "forged");
      expect((await b.request(forged)).status).toBe(400);
      // The code was not spent by the forged request (state is checked first); the real one works once.
      const c3 = await b.visit(`${LOOM}/api/auth/oauth/github/start`, /\/callback$/);
      expect((await b.request(c3)).status).toBe(302);
      const again = await b.visit(`${LOOM}/api/auth/oauth/github/start`, /\/callback$/);
      const replay = new URL(again);
      replay.searchParams.set("code", c3.searchParams.get("code") as string);
      expect((await b.request(replay)).status).toBe(400);
      const failed = await h.backend.accounts.audit.query({ action: "auth.sign_in_failed", limit: 10 });
      expect(failed.items.map((e) => e.detail.method)).toEqual(["github", "github", "github"]);
      expect(await h.rows("SELECT email FROM users WHERE email IS NOT NULL")).toEqual([
        { email: "octo@example.com" },
      ]);
    });
  });
});
