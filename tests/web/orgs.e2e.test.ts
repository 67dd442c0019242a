/**
 * The org admin pages in real Chromium against a real `loom serve`: create an org, change a role,
 * teams, an invitation whose link the invitee (another browser context, signed in with the invited
 * address) follows and accepts, an API key shown once then revoked, the audit log filtered by action.
 * axe-core on every page (no serious or critical violation), no CSP violation, a screenshot per page
 * in test-artifacts/web/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { createAuthKit } from "@loom/server/auth-kit";
import { sampleThread } from "@loom/server/test-helpers";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, hasChromium, launchChromium, startWebServer } from "./_browser.ts";

const ciRequired = ["true", "1"].includes(String(process.env.CI).toLowerCase());
if (!hasChromium && ciRequired)
  throw new Error("chromium is missing and CI=true (scripts/test-deps.sh installs it)");
const suite = hasChromium ? describe : describe.skip;
const T = 60_000;

let web: Awaited<ReturnType<typeof startWebServer>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const cspViolations: string[] = [];
/** An lt_ API token for an account with a verified address (what the sign-in page takes today). */
const tokens: Record<string, { id: string; token: string }> = {};

async function account(email: string, name: string) {
  const kit = createAuthKit({ accounts: web.backend.accounts, tokens: web.backend.tokens });
  const user = await kit.userForVerifiedEmail(email, name);
  tokens[email] = { id: user.id, token: (await web.backend.tokens.create({ name, userId: user.id })).token };
}

async function signIn(p: Page, email: string, next: string) {
  await p.goto(`${web.url}/sign-in?next=${encodeURIComponent(next)}`);
  await p.fill("#token", tokens[email]?.token ?? "");
  await p.click("button[type=submit]");
  await p.waitForURL((u) => u.pathname + u.search === next);
}

async function check(p: Page, name: string) {
  const result = await new AxeBuilder({ page: p }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes[0]?.target}`)).toEqual([]);
  await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

suite("org admin pages in Chromium", () => {
  beforeAll(async () => {
    web = await startWebServer();
    await account("olga@example.com", "Olga");
    await account("mo@example.com", "Mo");
    await account("ivy@example.com", "Ivy");
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    page = await context.newPage();
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  }, T);

  let inviteLink = "";

  test(
    "create an org, see its members, change a role",
    async () => {
      await signIn(page, "olga@example.com", "/orgs");
      await page.getByText("You are not in any organisation yet.").waitFor();
      await page.fill("#org-slug", "acme");
      await page.fill("#org-name", "Acme");
      await page.getByRole("button", { name: "Create", exact: true }).click();
      await page.waitForURL(/\/orgs\/acme\/members$/);
      await page.locator(".member-row").first().waitFor();
      // Mo joins through the API (an owner adds a user), then gets a role from the page.
      const res = await fetch(`${web.url}/api/orgs/acme/members/${tokens["mo@example.com"]?.id}`, {
        method: "PUT",
        headers: {
          authorization: `Bearer ${tokens["olga@example.com"]?.token}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ role: "member" }),
      });
      expect(res.status).toBe(200);
      await page.reload();
      await page.locator(".member-row").nth(1).waitFor();
      await page.selectOption(`#role-${tokens["mo@example.com"]?.id}`, "admin");
      await page.getByText("Mo is now admin.").waitFor();
      await check(page, "org-members");
    },
    T,
  );

  test(
    "teams: create one and add a maintainer",
    async () => {
      await page.getByRole("link", { name: "Teams" }).click();
      await page.waitForURL(/\/teams$/);
      await page.fill("#team-slug", "core");
      await page.fill("#team-name", "Core");
      await page.getByRole("button", { name: "Create team" }).click();
      await page.getByRole("button", { name: "Core", exact: true }).click();
      await page.selectOption("#team-add", tokens["mo@example.com"]?.id ?? "");
      await page.selectOption("#team-add-role", "maintainer");
      await page.getByRole("button", { name: "Add", exact: true }).click();
      await page.locator(".team-member").first().waitFor();
      expect(await page.locator(".team-member").first().textContent()).toContain("maintainer");
      await check(page, "org-teams");
    },
    T,
  );

  test(
    "invitations: create one (the link is shown once without SMTP)",
    async () => {
      await page.getByRole("link", { name: "Invitations" }).click();
      await page.fill("#invite-email", "ivy@example.com");
      await page.getByRole("button", { name: "Invite" }).click();
      inviteLink = (await page.locator("code.secret").textContent()) ?? "";
      expect(inviteLink).toMatch(/\/invite\?token=li_/);
      await page.locator(".invitation-row").first().waitFor();
      await check(page, "org-invitations");
    },
    T,
  );

  test(
    "the invitee follows the link, signed in with the invited address, and joins",
    async () => {
      const ivyContext = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      const ivy = await ivyContext.newPage();
      const next = new URL(inviteLink).pathname + new URL(inviteLink).search;
      // Signed out, the link leads through sign-in and back to itself.
      await ivy.goto(inviteLink);
      await ivy.waitForURL(/\/sign-in\?next=/);
      await ivy.fill("#token", tokens["ivy@example.com"]?.token ?? "");
      await ivy.click("button[type=submit]");
      await ivy.waitForURL((u) => u.pathname + u.search === next);
      await check(ivy, "org-invite-accept");
      await ivy.getByRole("button", { name: "Accept the invitation" }).click();
      await ivy.getByText("You joined Acme as member.").waitFor();
      await check(ivy, "org-invite-joined");
      await ivyContext.close();
      await page.getByRole("link", { name: "Members" }).click();
      await page.getByText("ivy@example.com").waitFor();
    },
    T,
  );

  test(
    "API keys: created and shown once, then revoked",
    async () => {
      await page.getByRole("link", { name: "API keys" }).click();
      await page.fill("#key-name", "ci");
      await page.getByLabel("llm:use").check();
      await page.getByRole("button", { name: "Create key" }).click();
      const key = (await page.locator(".new-key").textContent()) ?? "";
      expect(key).toMatch(/^lk_/);
      await check(page, "org-api-keys");
      await page.getByRole("button", { name: "Revoke ci" }).click();
      await page.locator(".key-row", { hasText: "revoked" }).waitFor();
      const me = await fetch(`${web.url}/api/auth/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(401);
    },
    T,
  );

  test(
    "audit log: every change above, filtered by action",
    async () => {
      await page.getByRole("link", { name: "Audit log" }).click();
      await page.locator(".audit-row", { hasText: "apikey.revoke" }).waitFor();
      await page.fill("#audit-action", "team.member_set");
      await page.getByRole("button", { name: "Filter" }).click();
      await page.waitForFunction(
        () =>
          document.querySelectorAll(".audit-row").length === 1 &&
          document.querySelector(".audit-row")?.textContent?.includes("team.member_set"),
      );
      await check(page, "org-audit");
      expect(cspViolations).toEqual([]);
    },
    T,
  );

  test(
    "support staff: the Support page lists a thread its owner shared with support and opens it",
    async () => {
      const olga = tokens["olga@example.com"]?.token;
      const th = sampleThread({ title: "Parser hangs on a backslash", visibility: "private" });
      const put = await fetch(`${web.url}/api/threads/${th.id}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${olga}`, "content-type": "application/json" },
        body: JSON.stringify(th),
      });
      expect(put.status).toBeLessThan(300);
      const grant = await fetch(`${web.url}/api/threads/${th.id}/support-access`, {
        method: "POST",
        headers: { authorization: `Bearer ${olga}` },
      });
      expect(grant.status).toBe(201);
      await web.backend.accounts.users.setRoles(tokens["ivy@example.com"]?.id ?? "", ["support"]);
      const ivyContext = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      const ivy = await ivyContext.newPage();
      ivy.on("console", (m) => {
        if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
      });
      await signIn(ivy, "ivy@example.com", "/threads");
      await ivy.getByRole("link", { name: "Support", exact: true }).click();
      await ivy.waitForURL(/\/support$/);
      const row = ivy.locator(".support-row", { hasText: "Parser hangs on a backslash" });
      await row.waitFor();
      expect(await row.textContent()).toContain("Olga");
      await check(ivy, "support-access");
      await row.getByRole("link").click();
      await ivy.waitForURL((u) => u.pathname === `/threads/${th.id}`);
      await ivy.getByText("The tokenizer loops on a trailing backslash.").waitFor();
      await ivyContext.close();
      expect(cspViolations).toEqual([]);
    },
    T,
  );
});
