/**
 * Magic-link sign-in against a real SMTP server (`smtp-server`, started here): the mail is read, its
 * link followed, and the session cookie works; the link works once and for 10 minutes; the answer is
 * the same for unknown addresses; requests are rate-limited per address and per IP. Both databases.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createSmtpMailer } from "@loom/server/mailer";
import { forEachBackend, type TestApp } from "@loom/server/test-backends";
import { type ReceivedMail, startSmtp } from "./_smtp.ts";

let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(() => smtp.close());

const PUBLIC = "https://loom.example";
const mailer = () => createSmtpMailer({ url: smtp.url, from: "Loom <loom@example.com>" });

function linkIn(mail: ReceivedMail): string {
  const m = /https:\/\/loom\.example\/api\/auth\/magic-link\/verify\?token=(lml_[A-Za-z0-9_-]+)/.exec(
    mail.text,
  );
  if (!m) throw new Error(`no link in the mail: ${mail.text}`);
  return m[0];
}

/** Follows the link in-process, as the browser would. */
const follow = (h: TestApp, link: string) =>
  h.app.handle(new Request(link.replace(PUBLIC, "http://localhost")));
const ask = (h: TestApp, email: string) => h.call("POST", "/api/auth/magic-link", { body: { email } });

forEachBackend(({ kind, testApp }) => {
  describe(`magic link [${kind}]`, () => {
    test("mail → link → session cookie, redirect to /; a second use fails; audited", async () => {
      const h = await testApp({ mailer: mailer(), publicUrl: PUBLIC });
      const res = await ask(h, "Ada@Example.com");
      expect(res.status).toBe(202);
      const mail = await smtp.next();
      expect(mail.to).toEqual(["ada@example.com"]);
      expect(mail.from).toBe("loom@example.com");
      expect(mail.raw).toContain("Subject: Sign in to Loom");
      const link = linkIn(mail);
      // Only the hash is stored.
      const token = new URL(link).searchParams.get("token") as string;
      expect(JSON.stringify(await h.rows("SELECT * FROM magic_links"))).not.toContain(token);

      const first = await follow(h, link);
      expect(first.status).toBe(302);
      expect(first.headers.get("location")).toBe("/");
      const setCookie = first.headers.get("set-cookie") ?? "";
      expect(setCookie).toContain("HttpOnly");
      expect(setCookie).toContain("Secure");
      const cookie = /loom_session=([^;]+)/.exec(setCookie)?.[1];
      const me = await h.call("GET", "/api/auth/me", { headers: { cookie: `loom_session=${cookie}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ via: "session", user: { email: "ada@example.com" } });

      const again = await follow(h, link);
      expect(again.status).toBe(400);
      expect(again.headers.get("set-cookie")).toBeNull();
      const ok = await h.backend.accounts.audit.query({ action: "auth.sign_in", limit: 5 });
      expect(ok.items[0]?.detail).toMatchObject({ method: "magic-link", kind: "web" });
      const bad = await h.backend.accounts.audit.query({ action: "auth.sign_in_failed", limit: 5 });
      expect(bad.items[0]?.detail).toEqual({ method: "magic-link", reason: "used" });
    });

    test("a link is good for 10 minutes only", async () => {
      let now = Date.parse("2026-12-03T12:00:00.000Z");
      const h = await testApp({ mailer: mailer(), publicUrl: PUBLIC, clock: () => new Date(now) });
      await ask(h, "bo@example.com");
      const link = linkIn(await smtp.next());
      now += 10 * 60 * 1000;
      expect((await follow(h, link)).status).toBe(400);
      const bad = await h.backend.accounts.audit.query({ action: "auth.sign_in_failed", limit: 5 });
      expect(bad.items[0]?.detail).toEqual({ method: "magic-link", reason: "expired" });
      expect((await follow(h, `${PUBLIC}/api/auth/magic-link/verify?token=lml_forged`)).status).toBe(400);
      // A browser following an old link lands on the sign-in page, which says why.
      const page = await h.app.handle(
        new Request(link.replace(PUBLIC, "http://localhost"), { headers: { accept: "text/html,*/*" } }),
      );
      expect(page.status).toBe(303);
      expect(page.headers.get("location")).toBe("/sign-in?error=link");
      expect(page.headers.get("set-cookie")).toBeNull();
    });

    test("the same answer for an address with no account; without open sign-up it gets no mail", async () => {
      const h = await testApp({ mailer: mailer(), publicUrl: PUBLIC, openSignup: false });
      const kit = await import("@loom/server/auth-kit");
      await kit
        .createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens })
        .userForVerifiedEmail("known@example.com");
      const unknown = await ask(h, "nobody@example.com");
      const known = await ask(h, "known@example.com");
      expect(unknown.status).toBe(known.status);
      expect(await unknown.text()).toBe(await known.text());
      const mail = await smtp.next();
      expect(mail.to).toEqual(["known@example.com"]);
      expect(await h.rows("SELECT email FROM magic_links")).toEqual([{ email: "known@example.com" }]);
      expect(smtp.pending).toBe(0);
    });

    test("rate limits: 2 a minute per address, 10 per IP; bad addresses are 400", async () => {
      const h = await testApp({ mailer: mailer(), publicUrl: PUBLIC });
      expect((await ask(h, "cy@example.com")).status).toBe(202);
      expect((await ask(h, "cy@example.com")).status).toBe(202);
      const third = await ask(h, "cy@example.com");
      expect(third.status).toBe(429);
      expect(third.headers.get("retry-after")).toMatch(/^\d+$/);
      for (let i = 0; i < 7; i++) expect((await ask(h, `u${i}@example.com`)).status).toBe(202);
      // The 11th request from this IP (the 429 above counted too) is refused whatever the address.
      expect((await ask(h, "fresh@example.com")).status).toBe(429);
      expect((await ask(h, "not an address")).status).toBe(400);
      for (let i = 0; i < 9; i++) await smtp.next();
      expect(smtp.pending).toBe(0);
    });
  });
});
