/**
 * Account pages in real Chromium against a real `loom serve` with a real SMTP server (`smtp-server`,
 * started here): sign in through the mailed magic link; approve a device login started by a real
 * `loom login --server URL` process (a second browser, not signed in, arrives with the code, signs in
 * and comes back to it), then `loom whoami`; the impersonation banner; revoke a session, and the
 * revoked browser is signed out. axe-core on each new page (no serious or critical violation), no
 * Content-Security-Policy violation, a screenshot per test in test-artifacts/web/. One browser and
 * one server for the file.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { isolatedEnv, MAIN } from "../cli/_harness.ts";
import { startSmtp } from "../server/_smtp.ts";
import { ARTIFACTS, hasChromium, launchChromium, startWebServer } from "./_browser.ts";

const ciRequired = ["true", "1"].includes(String(process.env.CI).toLowerCase());
if (!hasChromium && ciRequired)
  throw new Error("chromium is missing and CI=true (scripts/test-deps.sh installs it)");
const suite = hasChromium ? describe : describe.skip;
/** Chromium and a CLI process on a loaded 2-core machine: generous limits (no timing is asserted). */
const T = 60_000;
const EMAIL = "grace@example.com";

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let web: Awaited<ReturnType<typeof startWebServer>>;
let browser: Browser;
let a: BrowserContext;
let b: BrowserContext;
let pageA: Page;
let pageB: Page;
const home = mkdtempSync(join(tmpdir(), "loom-web-cli-"));
const env = isolatedEnv(home);
const procs: ReturnType<typeof Bun.spawn>[] = [];
const cspViolations: string[] = [];

function watchCsp(p: Page) {
  p.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  return p;
}

async function axe(page: Page, label: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes[0]?.target}`)).toEqual([]);
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

/** Asks for a link on the sign-in page `page` is at, reads the mail, opens the link there; answers the link. */
async function signInByMail(page: Page, label?: string): Promise<string> {
  await page.locator("#email").waitFor();
  if (label) {
    await axe(page, label);
    await shot(page, "account-sign-in");
  }
  await page.fill("#email", EMAIL);
  await page.getByRole("button", { name: "E-mail me a sign-in link" }).click();
  await page.getByRole("heading", { name: "Check your mail" }).waitFor();
  if (label) await axe(page, `${label}: check your mail`);
  const mail = await smtp.next();
  expect(mail.to).toEqual([EMAIL]);
  const link = new RegExp(`${web.url}/api/auth/magic-link/verify\\?token=lml_[A-Za-z0-9_-]+`).exec(
    mail.text,
  )?.[0];
  expect(link).toBeDefined();
  await page.goto(link as string);
  return link as string;
}

/** A process's stdout so far; `until(re)` waits for it to match. */
function collect(stream: ReadableStream<Uint8Array>) {
  let text = "";
  let wake = () => {};
  let ended = false;
  const all = (async () => {
    const decoder = new TextDecoder();
    const reader = stream.getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      text += decoder.decode(r.value);
      wake();
    }
    ended = true;
    wake();
    return text;
  })();
  return {
    all,
    async until(re: RegExp): Promise<RegExpExecArray> {
      for (;;) {
        const m = re.exec(text);
        if (m) return m;
        if (ended) throw new Error(`output ended before ${re}: ${text}`);
        await new Promise<void>((r) => {
          wake = r;
        });
      }
    },
  };
}

async function loom(args: string[]) {
  const p = Bun.spawn(["bun", MAIN, ...args], { env, stdout: "pipe", stderr: "pipe" });
  procs.push(p);
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { stdout, stderr, code };
}

suite("account pages in Chromium", () => {
  beforeAll(async () => {
    smtp = await startSmtp();
    web = await startWebServer({
      auth: {
        smtp: { url: smtp.url, from: "Loom <loom@example.com>" },
        // Shown as a button (the provider is not reached: OAuth sign-in is tested in tests/server/oauth.test.ts).
        oauth: { github: { type: "github", client_id: "loom-e2e", client_secret: "unused" } },
      },
    });
    browser = await launchChromium();
    a = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    b = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    pageA = watchCsp(await a.newPage());
    pageB = watchCsp(await b.newPage());
  }, 120_000);

  afterAll(async () => {
    for (const p of procs) if (p.exitCode === null) p.kill("SIGKILL");
    await browser?.close();
    await web?.stop();
    await smtp?.close();
    rmSync(home, { recursive: true, force: true });
  }, T);

  test(
    "magic link: the mail from a real SMTP server signs the browser in and lands where it was going",
    async () => {
      await pageA.goto(`${web.url}/threads`);
      await pageA.waitForURL(/\/sign-in\?next=\/threads$/);
      const github = pageA.getByRole("link", { name: "Continue with GitHub" });
      expect(await github.getAttribute("href")).toBe("/api/auth/oauth/github/start");
      const link = await signInByMail(pageA, "sign-in");
      await pageA.waitForURL(/\/threads$/);
      await pageA.locator(".top .who", { hasText: EMAIL }).waitFor();
      await shot(pageA, "account-magic-link");
      // The link works once: opened again (in a fresh browser), it leads to the sign-in page, which says so.
      const other = await browser.newContext();
      const again = watchCsp(await other.newPage());
      await again.goto(link);
      await again.waitForURL(/\/sign-in\?error=link$/);
      expect(await again.locator("[role=alert]").textContent()).toContain("expired or already used");
      await other.close();
    },
    T,
  );

  test(
    "device login: a real `loom login` is approved at /device by a browser that signs in on the way; then `loom whoami`",
    async () => {
      // The code entry form, signed in.
      await pageA.goto(`${web.url}/device`);
      await pageA.locator("#user-code").waitFor();
      await axe(pageA, "device: enter the code");

      const login = Bun.spawn(["bun", MAIN, "login", "--server", web.url], {
        env,
        stdout: "pipe",
        stderr: "pipe",
      });
      procs.push(login);
      const out = collect(login.stdout as ReadableStream<Uint8Array>);
      const [, uri, code] = (await out.until(
        /open (\S+) and enter the code (\d{3}-\d{3}-\d{3})/,
      )) as string[];
      expect(uri).toBe(`${web.url}/device`);

      // Browser B is not signed in: sign-in first, then back to /device with the code kept.
      await pageB.goto(`${web.url}/device?user_code=${code}`);
      await pageB.waitForURL(/\/sign-in\?next=/);
      await signInByMail(pageB);
      await pageB.waitForURL(new RegExp(`/device\\?user_code=${code}$`));
      await pageB.locator(".confirm").waitFor();
      expect(await pageB.locator(".confirm h2").textContent()).toBe(`Sign in a device as ${EMAIL}?`);
      expect(await pageB.locator(".facts-list .code").textContent()).toBe(code as string);
      expect(await pageB.locator(".facts-list").textContent()).toContain("loom cli");
      await axe(pageB, "device: confirm");
      await shot(pageB, "account-device-confirm");
      await pageB.getByRole("button", { name: "Approve" }).click();
      await pageB.getByRole("heading", { name: "Approved" }).waitFor();
      await axe(pageB, "device: approved");

      const [stdout, stderr, exit] = await Promise.all([
        out.all,
        new Response(login.stderr).text(),
        login.exited,
      ]);
      expect(stderr).toBe("");
      expect(exit).toBe(0);
      expect(stdout).toContain(`logged in to ${web.url}`);
      const who = await loom(["whoami", "--server", web.url]);
      expect(who.code).toBe(0);
      expect(who.stdout).toContain(`${EMAIL} (`);
      await shot(pageB, "account-device-approved");
    },
    T,
  );

  test(
    "impersonation: a session from /api/admin/impersonate shows a banner; stopping returns the tab to its own account",
    async () => {
      const admin = { authorization: `Bearer ${web.token}`, "content-type": "application/json" };
      const users = (await (await fetch(`${web.url}/api/admin/users`, { headers: admin })).json()) as {
        items: { id: string; email: string | null }[];
      };
      const grace = users.items.find((u) => u.email === EMAIL)?.id;
      const imp = (await (
        await fetch(`${web.url}/api/admin/impersonate`, {
          method: "POST",
          headers: admin,
          body: JSON.stringify({ userId: grace }),
        })
      ).json()) as { token: string };
      const tab = watchCsp(await a.newPage());
      await tab.goto(`${web.url}/sign-in?next=/sessions`);
      await tab.locator("details.token summary").click();
      await tab.fill("#token", imp.token);
      await tab.getByRole("button", { name: "Sign in with the token" }).click();
      await tab.waitForURL(/\/sessions$/);
      await tab.locator(".impersonation").waitFor();
      expect(await tab.locator(".impersonation").textContent()).toContain(`You are acting as ${EMAIL}`);
      await axe(tab, "impersonation banner");
      await shot(tab, "account-impersonation");
      await tab.getByRole("button", { name: "Stop impersonating" }).click();
      await tab.waitForURL(/\/threads$/);
      await tab.locator(".top .who", { hasText: EMAIL }).waitFor();
      expect(await tab.locator(".impersonation").count()).toBe(0);
      const me = await fetch(`${web.url}/api/auth/me`, { headers: { authorization: `Bearer ${imp.token}` } });
      expect(me.status).toBe(401);
      await tab.close();
    },
    T,
  );

  test(
    "sessions: revoking browser B's session signs B out; revoking this one signs this browser out",
    async () => {
      await pageA.goto(`${web.url}/sessions`);
      await pageA.locator(".session-row").nth(2).waitFor();
      // A and B in browsers, the CLI's from `loom login` (the impersonation session was ended).
      expect(await pageA.locator(".session-row").count()).toBe(3);
      expect(await pageA.locator(".session-row.current").textContent()).toContain("this browser");
      await axe(pageA, "sessions");
      await shot(pageA, "account-sessions");
      // A phone's width: the table scrolls inside its box, the page does not scroll sideways.
      await pageA.setViewportSize({ width: 375, height: 740 });
      expect(await pageA.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(
        true,
      );
      await shot(pageA, "account-sessions-phone");
      await pageA.setViewportSize({ width: 1100, height: 760 });
      const other = pageA.locator(".session-row:not(.current)", { hasText: "Browser" });
      await other.getByRole("button").click();
      await pageA.locator(".session-row").nth(2).waitFor({ state: "detached" });

      await pageB.goto(`${web.url}/sessions`);
      await pageB.waitForURL(/\/sign-in\?next=\/sessions$/);
      await pageB.locator("#email").waitFor();

      await pageA.getByRole("button", { name: /^Sign out here/ }).click();
      await pageA.waitForURL(/\/sign-in$/);
      await pageA.goto(`${web.url}/threads`);
      await pageA.waitForURL(/\/sign-in\?next=/);
      await shot(pageA, "account-signed-out");
      expect(cspViolations).toEqual([]);
    },
    T,
  );
});
