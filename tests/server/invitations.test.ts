/**
 * Org invitations by e-mail against a real SMTP server (`smtp-server`, started here): the invite is
 * mailed, the test reads the mail and follows its link as the signed-in invitee, who joins with the
 * invited role; the link works once, for 7 days, for the invited address only, and only its hash is
 * stored. Without SMTP the inviter gets the link to pass on. Both databases.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createAuthKit } from "@loom/server/auth-kit";
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
  const m = /https:\/\/loom\.example\/invite\?token=(li_[A-Za-z0-9_-]+)/.exec(mail.text);
  if (!m) throw new Error(`no invitation link in the mail: ${mail.text}`);
  return m[0];
}

async function person(h: TestApp, email: string) {
  const kit = createAuthKit({ accounts: h.backend.accounts, tokens: h.backend.tokens });
  const user = await kit.userForVerifiedEmail(email);
  return { id: user.id, token: (await kit.startSession(user.id, "cli", new Request("http://x"))).secret };
}

/** What the `/invite` page does with the link: posts its token as the signed-in person. */
const follow = (h: TestApp, link: string, token: string) =>
  h.call("POST", "/api/orgs/invitations/accept", {
    token,
    body: { token: new URL(link).searchParams.get("token") },
  });

forEachBackend(({ kind, testApp }) => {
  describe(`org invitations by e-mail [${kind}]`, () => {
    test("mail → link → the invitee joins with the invited role; a second use and another address fail; audited", async () => {
      const h = await testApp({ mailer: mailer(), publicUrl: PUBLIC });
      const owner = await person(h, "olga@example.com");
      expect(
        (await h.call("POST", "/api/orgs", { token: owner.token, body: { slug: "acme", name: "Acme" } }))
          .status,
      ).toBe(201);
      const res = await h.call("POST", "/api/orgs/acme/invitations", {
        token: owner.token,
        body: { email: "Ivy@Example.com", role: "admin" },
      });
      expect(res.status).toBe(201);
      const answer = (await res.json()) as Record<string, unknown>;
      // Mailed: the secret goes to the invitee only.
      expect(answer).toMatchObject({ email: "ivy@example.com", role: "admin", mailed: true });
      expect(answer.token).toBeUndefined();
      expect(answer.link).toBeUndefined();

      const mail = await smtp.next();
      expect(mail.to).toEqual(["ivy@example.com"]);
      expect(mail.raw).toContain("Subject: You are invited to Acme on Loom");
      const link = linkIn(mail);
      const token = new URL(link).searchParams.get("token") as string;
      expect(JSON.stringify(await h.rows("SELECT * FROM invitations"))).not.toContain(token);

      // Someone else signed in cannot use it; the invitee can, once.
      const eve = await person(h, "eve@example.com");
      const wrong = await follow(h, link, eve.token);
      expect(wrong.status).toBe(403);
      expect(((await wrong.json()) as { error: { message: string } }).error.message).toContain(
        "another e-mail address",
      );
      const ivy = await person(h, "ivy@example.com");
      const ok = await follow(h, link, ivy.token);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({
        slug: "acme",
        name: "Acme",
        role: "admin",
        alreadyMember: false,
      });
      const members = (await (
        await h.call("GET", "/api/orgs/acme/members", { token: ivy.token })
      ).json()) as {
        items: { email: string; role: string }[];
      };
      expect(members.items.map((m) => [m.email, m.role])).toContainEqual(["ivy@example.com", "admin"]);
      const again = await follow(h, link, ivy.token);
      expect(again.status).toBe(400);
      expect(((await again.json()) as { error: { message: string } }).error.message).toBe(
        "this invitation was already used",
      );
      const log = await h.backend.accounts.audit.query({ limit: 20 });
      const acts = log.items.map((e) => [e.action, e.detail.reason ?? e.detail.role ?? null]);
      expect(acts).toContainEqual(["org.invite", "admin"]);
      expect(acts).toContainEqual(["org.join", "admin"]);
      expect(acts).toContainEqual(["org.join_failed", "other_address"]);
      expect(acts).toContainEqual(["org.join_failed", "used"]);
    });

    test("an invitation expires after 7 days; a withdrawn one is gone; the open ones are listed", async () => {
      let now = Date.parse("2026-12-03T12:00:00.000Z");
      const h = await testApp({ mailer: mailer(), publicUrl: PUBLIC, clock: () => new Date(now) });
      const owner = await person(h, "olga@example.com");
      await h.call("POST", "/api/orgs", { token: owner.token, body: { slug: "acme" } });
      const invite = (email: string) =>
        h.call("POST", "/api/orgs/acme/invitations", { token: owner.token, body: { email } });
      await invite("late@example.com");
      const late = linkIn(await smtp.next());
      const w = (await (await invite("gone@example.com")).json()) as { id: string };
      const gone = linkIn(await smtp.next());
      const listed = (await (
        await h.call("GET", "/api/orgs/acme/invitations", { token: owner.token })
      ).json()) as {
        items: { email: string }[];
      };
      expect(listed.items.map((i) => i.email).sort()).toEqual(["gone@example.com", "late@example.com"]);
      expect(JSON.stringify(listed)).not.toContain("li_");

      expect(
        (await h.call("DELETE", `/api/orgs/acme/invitations/${w.id}`, { token: owner.token })).status,
      ).toBe(204);
      const goner = await person(h, "gone@example.com");
      expect((await follow(h, gone, goner.token)).status).toBe(404);

      now += 7 * 24 * 3600 * 1000;
      const lateUser = await person(h, "late@example.com");
      const expired = await follow(h, late, lateUser.token);
      expect(expired.status).toBe(400);
      expect(((await expired.json()) as { error: { message: string } }).error.message).toContain("expired");
      expect((await h.call("GET", "/api/orgs/acme/members", { token: lateUser.token })).status).toBe(404);
      expect(smtp.pending).toBe(0);
    });

    test("without SMTP the inviter gets the link to pass on", async () => {
      const h = await testApp({ publicUrl: PUBLIC });
      const owner = await person(h, "olga@example.com");
      await h.call("POST", "/api/orgs", { token: owner.token, body: { slug: "acme" } });
      const res = await h.call("POST", "/api/orgs/acme/invitations", {
        token: owner.token,
        body: { email: "kai@example.com" },
      });
      const body = (await res.json()) as { mailed: boolean; link: string; token: string };
      expect(body.mailed).toBe(false);
      expect(body.link).toBe(`${PUBLIC}/invite?token=${body.token}`);
      const kai = await person(h, "kai@example.com");
      expect((await follow(h, body.link, kai.token)).status).toBe(200);
    });

    test("a member is not invited again (409 naming their role); one who joined since keeps their role on accepting", async () => {
      const h = await testApp({ publicUrl: PUBLIC });
      const owner = await person(h, "olga@example.com");
      await h.call("POST", "/api/orgs", { token: owner.token, body: { slug: "acme" } });
      const invite = (email: string, role: string) =>
        h.call("POST", "/api/orgs/acme/invitations", { token: owner.token, body: { email, role } });
      const again = await invite("Olga@example.com", "member");
      expect(again.status).toBe(409);
      expect(((await again.json()) as { error: { message: string } }).error.message).toBe(
        "olga@example.com is already a member of acme (owner); change their role instead of inviting them",
      );
      expect(await h.rows("SELECT id FROM invitations")).toEqual([]);

      // Invited as a member, made an admin directly before opening the link: still an admin after.
      const lea = await person(h, "lea@example.com");
      const { link } = (await (await invite("lea@example.com", "member")).json()) as { link: string };
      await h.call("PUT", `/api/orgs/acme/members/${lea.id}`, {
        token: owner.token,
        body: { role: "admin" },
      });
      const accepted = await follow(h, link, lea.token);
      expect(accepted.status).toBe(200);
      expect(await accepted.json()).toMatchObject({ slug: "acme", role: "admin", alreadyMember: true });
      const members = (await (
        await h.call("GET", "/api/orgs/acme/members", { token: owner.token })
      ).json()) as {
        items: { userId: string; role: string }[];
      };
      expect(members.items.find((m) => m.userId === lea.id)?.role).toBe("admin");
      // The link is used up all the same.
      expect((await follow(h, link, lea.token)).status).toBe(400);
    });
  });
});
