/**
 * Threads in real Chromium against a real `loom serve`: search and open a thread, share it and open
 * the link signed out in a fresh context, live updates of the open thread and the list while the API
 * writes, and the layout of a code block followed by a tool call. One browser and one server for the
 * file; a screenshot per test in test-artifacts/web/; axe-core on each page (no serious or critical).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { newThreadId, type Thread } from "@loom/runtime/thread";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, hasChromium, launchChromium, startWebServer } from "./_browser.ts";

const ciRequired = ["true", "1"].includes(String(process.env.CI).toLowerCase());
if (!hasChromium && ciRequired)
  throw new Error("chromium is missing and CI=true (scripts/test-deps.sh installs it)");
const suite = hasChromium ? describe : describe.skip;
const T = 60_000;

const base = (over: Partial<Thread>): Thread => ({
  id: newThreadId(),
  version: 0,
  createdAt: "2026-11-01T10:00:00.000Z",
  updatedAt: "2026-11-01T10:00:00.000Z",
  workspace: "/home/ada/proj",
  visibility: "private",
  isPrivate: false,
  messages: [],
  ...over,
});

const parser = base({
  title: "Parser hangs on trailing backslash",
  git: { remote: "https://example.com/ada/proj.git", branch: "fix/parser" },
  messages: [
    { role: "user", content: "Why does the parser hang?" },
    {
      role: "assistant",
      // An image from elsewhere (the CSP blocks it) after the code: it must not leave an empty gap.
      content:
        'The tokenizer loops here:\n\n```ts\nconst next = (i: number) => i;\n```\n\n<img src="https://example.com/diagram.png">',
      toolCalls: [
        {
          id: "c1",
          name: "edit_file",
          input: { path: "src/tokenizer.ts", edits: [{ old: "i", new: "i + 1" }] },
        },
      ],
    },
    { role: "tool", toolCallId: "c1", name: "edit_file", content: "edited src/tokenizer.ts" },
    { role: "assistant", content: "Fixed: the index now advances." },
  ],
});

let web: Awaited<ReturnType<typeof startWebServer>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;

async function axe(p: Page, label: string) {
  const result = await new AxeBuilder({ page: p }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes[0]?.target}`)).toEqual([]);
}

const shot = (p: Page, name: string) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

async function write(t: Thread, ifMatch?: number) {
  const res = await fetch(`${web.url}/api/threads/${t.id}`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${web.token}`,
      "content-type": "application/json",
      ...(ifMatch ? { "if-match": String(ifMatch) } : {}),
    },
    body: JSON.stringify(t),
  });
  expect(res.status).toBeLessThan(300);
}

/** Navigates and waits until the page's thread event stream is subscribed on the server. */
async function gotoLive(p: Page, path: string) {
  const subscribed = p.waitForResponse((r) => r.url().endsWith("/api/threads/events"));
  await p.goto(`${web.url}${path}`);
  await subscribed;
}

suite("threads in Chromium: share links, live updates, layout", () => {
  beforeAll(async () => {
    web = await startWebServer();
    await web.put(parser);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    await context.addInitScript((token) => sessionStorage.setItem("loom.token", token), web.token);
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  }, T);

  test(
    "search, open, share: the link opens the thread read-only in a fresh signed-out context",
    async () => {
      await page.goto(`${web.url}/threads?q=tokenizer`);
      await page.locator(".thread-row").first().waitFor();
      expect(await page.locator(".thread-row").count()).toBe(1);
      await page.locator(".thread-row a").first().click();
      await page.waitForURL(/\/threads\/T-/);
      await page.locator(".share").waitFor();
      await page.selectOption("#share-expiry", "7");
      await page.getByRole("button", { name: "Create read-only link" }).click();
      const url = await page.locator("#share-url").inputValue();
      expect(url).toMatch(new RegExp(`^${web.url}/s/[0-9a-f]{48}$`));
      await page.locator(".share-links li[data-state=live]").waitFor();
      await axe(page, "thread with share controls");
      await shot(page, "thread-share");

      const fresh = await browser.newContext({ viewport: { width: 1000, height: 700 } });
      const anon = await fresh.newPage();
      await anon.goto(url);
      await anon.locator(".msg-assistant").first().waitFor();
      expect(await anon.locator("h1").textContent()).toBe(parser.title ?? "");
      expect(await anon.getByText("read-only link").count()).toBe(1);
      expect(await anon.locator(".share").count()).toBe(0);
      expect(await anon.evaluate(() => sessionStorage.getItem("loom.token"))).toBeNull();
      await axe(anon, "shared link");
      await shot(anon, "shared-link-signed-out");

      // Revoked: the same link now says so.
      await page.getByRole("button", { name: "Revoke" }).click();
      await page.locator(".share-links li[data-state=revoked]").waitFor();
      await anon.reload();
      await anon.getByRole("alert").waitFor();
      expect(await anon.getByRole("alert").textContent()).toBe(
        "This share link is unknown, expired or revoked.",
      );
      await fresh.close();
    },
    T,
  );

  test(
    "live: a write through the API while the thread is open appears in place; the list shows a new thread",
    async () => {
      await gotoLive(page, `/threads/${parser.id}`);
      await page.locator(".msg-assistant").first().waitFor();
      const current = (await (
        await fetch(`${web.url}/api/threads/${parser.id}`, {
          headers: { authorization: `Bearer ${web.token}` },
        })
      ).json()) as Thread;
      await write(
        {
          ...current,
          messages: [...current.messages, { role: "assistant", content: "A live reply from the agent." }],
        },
        current.version,
      );
      await page.getByText("A live reply from the agent.").waitFor();
      await shot(page, "thread-live-update");

      await gotoLive(page, "/threads");
      await page.locator(".thread-row").first().waitFor();
      const fresh = base({ title: "Started while you watched", visibility: "team" });
      await write(fresh);
      await page.getByText("Started while you watched").waitFor();
      expect(await page.locator(".thread-row").count()).toBe(2);
      await axe(page, "threads live");
      await shot(page, "threads-live-update");
    },
    T,
  );

  test(
    "list filters by visibility and repository on the server",
    async () => {
      await page.goto(`${web.url}/threads?visibility=team`);
      await page.getByText("Started while you watched").waitFor();
      expect(await page.locator(".thread-row").count()).toBe(1);
      await page.goto(`${web.url}/threads?repo=${encodeURIComponent("https://example.com/ada/proj.git")}`);
      await page.getByText(parser.title ?? "").waitFor();
      expect(await page.locator(".thread-row").count()).toBe(1);
      expect(await page.locator("#repo").inputValue()).toBe("https://example.com/ada/proj.git");
      await axe(page, "threads filtered");
      await shot(page, "threads-filtered");
    },
    T,
  );

  test(
    "layout: no empty gap between a code block and the tool call after it; rows sit edge to edge",
    async () => {
      await page.goto(`${web.url}/threads/${parser.id}`);
      // Markdown is rendered a frame after the row (the idle queue): wait for the code block.
      await page.locator(".msg-assistant .md pre").first().waitFor();
      // The virtual list re-places rows a frame after one grows (the markdown): wait until the rows
      // touch (bounded by the wait's timeout, so rows that never close up still fail), then measure.
      await page
        .waitForFunction(
          () => {
            const rows = Array.from(document.querySelectorAll<HTMLElement>(".row"))
              .map((r) => r.getBoundingClientRect())
              .sort((a, b) => a.top - b.top);
            return rows.slice(1).every((r, i) => Math.round(r.top - (rows[i] as DOMRect).bottom) === 0);
          },
          undefined,
          { timeout: 5000 },
        )
        .catch(() => {});
      const gaps = await page.evaluate(() => {
        const msg = document.querySelector(".msg-assistant") as HTMLElement;
        const pre = msg.querySelector(".md pre") as HTMLElement;
        const tool = msg.querySelector("details.tool") as HTMLElement;
        const rows = Array.from(document.querySelectorAll<HTMLElement>(".row"))
          .map((r) => r.getBoundingClientRect())
          .sort((a, b) => a.top - b.top);
        return {
          codeToTool: tool.getBoundingClientRect().top - pre.getBoundingClientRect().bottom,
          betweenRows: rows.slice(1).map((r, i) => Math.round(r.top - (rows[i] as DOMRect).bottom)),
        };
      });
      expect(gaps.codeToTool).toBeGreaterThanOrEqual(0);
      expect(gaps.codeToTool).toBeLessThanOrEqual(16);
      expect(gaps.betweenRows.every((g) => g === 0)).toBe(true);
      await shot(page, "code-then-tool");
    },
    T,
  );
});
