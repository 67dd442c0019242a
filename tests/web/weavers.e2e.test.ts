/**
 * The weaver pages in real Chromium against a real `loom serve` (startServer) with the real local
 * driver: weavers are bubblewrap-sandboxed supervisors running the Loom REPL in a pseudo-terminal on
 * a clone of a local git repository. Signed in with a cookie session (the attach WebSocket carries
 * the cookie). Create from the page, the terminal attaches and echoes what is typed in xterm.js, a
 * line appears live in the followed log, the per-user limit's 429 is one line, a weaver deleted
 * elsewhere leaves the terminal in its closed state, delete with confirmation from the list.
 * axe-core on each page (no serious or critical violation), no CSP violation, screenshots in
 * test-artifacts/web/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { createAuthKit } from "@loom/server/auth-kit";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { ARTIFACTS, hasChromium, launchChromium, startWebServer } from "./_browser.ts";

const ciRequired = ["true", "1"].includes(String(process.env.CI).toLowerCase());
if (!hasChromium && ciRequired)
  throw new Error("chromium is missing and CI=true (scripts/test-deps.sh installs it)");
const suite = hasChromium ? describe : describe.skip;
const T = 90_000;

let web: Awaited<ReturnType<typeof startWebServer>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let repoRoot: string;
let repo: string;
let apiToken: string;
const cspViolations: string[] = [];

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${web.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiToken}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : ((await res.json()) as Record<string, unknown>);
}

/** Waits until the element's text contains `text` (the page updates it live). */
async function hasText(l: Locator, text: string, timeout = 10_000) {
  await l.filter({ hasText: text }).first().waitFor({ timeout });
}

async function check(p: Page, name: string) {
  const result = await new AxeBuilder({ page: p }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${name}: ${v.id} (${v.impact}) ${v.nodes[0]?.target}`)).toEqual([]);
  await p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

suite("weaver pages in Chromium (local driver)", () => {
  beforeAll(async () => {
    repoRoot = mkdtempSync(join(tmpdir(), "loom-web-weaver-repo-"));
    repo = join(repoRoot, "repo");
    mkdirSync(repo);
    writeFileSync(join(repo, "README.md"), "# sample\n");
    const git = (...a: string[]) =>
      Bun.spawnSync(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", ...a], { cwd: repo });
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-qm", "init");
    web = await startWebServer({
      weavers: {
        driver: "local",
        max_per_user: 1,
        max_per_org: 20,
        max_total: 50,
        default_ttl: "1h",
        max_ttl: "48h",
        ready_timeout: "120s",
        sweep_interval: "30s",
        webhooks: [],
        local: { sandbox: "bwrap" },
      },
    });
    const kit = createAuthKit({ accounts: web.backend.accounts, tokens: web.backend.tokens });
    const user = await kit.userForVerifiedEmail("wren@example.com", "Wren");
    apiToken = (await web.backend.tokens.create({ name: "wren", userId: user.id })).token;
    const session = await web.backend.accounts.sessions.create({ userId: user.id, kind: "web" });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.addCookies([{ name: "loom_session", value: session.secret, url: web.url }]);
    page = await context.newPage();
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  }, 120_000);

  afterAll(async () => {
    // The supervisors are detached: delete what is left so none outlives the test.
    const left = (await api("GET", "/api/weavers").catch(() => ({ items: [] }))) as {
      items: { id: string }[];
    };
    for (const w of left.items) await api("DELETE", `/api/weaver/${w.id}`).catch(() => {});
    await browser?.close();
    await web?.stop();
    rmSync(repoRoot, { recursive: true, force: true });
  }, T);

  let first = "";

  test(
    "create from the page; the terminal echoes what is typed and the log shows it live",
    async () => {
      await page.goto(`${web.url}/weavers`);
      await page.getByText("No weavers yet.").waitFor();
      await page.getByRole("link", { name: "Weavers", exact: true }).waitFor();
      await page.fill("#weaver-repo", repo);
      await page.fill("#weaver-branch", "main");
      await page.fill("#weaver-ttl", "30m");
      await page.getByRole("button", { name: "Start", exact: true }).click();
      await page.waitForURL(/\/weavers\/weaver-[0-9a-f-]{36}$/);
      first = page.url().split("/").pop() ?? "";
      // Created pending (cloning): the page looks again until it runs, then the terminal attaches.
      await page.locator(".terminal-state[data-state=attached]").waitFor({ timeout: 60_000 });
      const screen = page.locator(".terminal-box .xterm-rows");
      await hasText(screen, "›", 60_000);
      await hasText(page.locator(".log-box"), "running the loom REPL", 30_000);
      await check(page, "weavers-terminal-attached");

      // Typed in the browser: the REPL echoes it in the terminal.
      await page.locator(".terminal-box").click();
      await page.keyboard.type("hello from the web page");
      await hasText(screen, "hello from the web page", 30_000);
      // Entered: the REPL answers (this server has no provider: one error line) in the terminal, and
      // that line, written to the weaver's log after the page opened it, shows in the followed log.
      const answer = "provider anthropic is not configured on this server";
      expect(await page.locator(".log-box").textContent()).not.toContain(answer);
      await page.keyboard.press("Enter");
      await hasText(screen, answer, 30_000);
      await hasText(page.locator(".log-box"), answer, 30_000);
      await check(page, "weavers-log-live");
      expect(cspViolations).toEqual([]);
    },
    T,
  );

  test(
    "the list, the per-user limit's 429 in one line, delete with confirmation",
    async () => {
      await page.goto(`${web.url}/weavers`);
      const row = page.locator(`.weaver-row[data-id="${first}"]`);
      await row.waitFor();
      await hasText(row, "running");
      await hasText(row, repo);
      await page.fill("#weaver-repo", repo);
      await page.getByRole("button", { name: "Start", exact: true }).click();
      const alert = page.locator("form.new-weaver [role=alert]");
      await alert.waitFor();
      expect(await alert.textContent()).toBe(
        "Could not start the weaver: you have 1 weaver running, the most one person may ([weavers] max_per_user = 1): delete one first",
      );
      await check(page, "weavers-list");
      // Cancel keeps it, accept deletes it.
      const dismissed = new Promise<string>((done) =>
        page.once("dialog", (d) => {
          done(d.message());
          void d.dismiss();
        }),
      );
      await row.getByRole("button", { name: `Delete ${first}` }).click();
      expect(await dismissed).toBe(`Delete ${first}? Its workspace and log go with it.`);
      expect(await row.count()).toBe(1);
      page.once("dialog", (d) => void d.accept());
      await row.getByRole("button", { name: `Delete ${first}` }).click();
      await row.waitFor({ state: "detached" });
      await page.getByText("No weavers yet.").waitFor();
      expect(((await api("GET", "/api/weavers")) as { items: unknown[] }).items).toEqual([]);
    },
    T,
  );

  test(
    "a weaver deleted elsewhere: the open terminal shows it is no longer attached",
    async () => {
      const w = (await api("POST", "/api/weaver", { repo })) as { id: string };
      await page.goto(`${web.url}/weavers/${w.id}`);
      await page.locator(".terminal-state[data-state=attached]").waitFor({ timeout: 60_000 });
      await api("DELETE", `/api/weaver/${w.id}`);
      await page.locator(".terminal-state[data-state=closed]").waitFor({ timeout: 30_000 });
      await hasText(page.locator(".weaver [role=alert]").first(), `No weaver ${w.id} here`);
      await check(page, "weavers-terminal-closed");
      expect(cspViolations).toEqual([]);
    },
    T,
  );
});
