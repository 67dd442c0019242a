/**
 * The web UI in real Chromium against a real `loom serve`: sign in with a token, list, search, open
 * a thread (sanitised Markdown, highlighted code, tool calls), a 2,000-message thread virtualised,
 * keyboard, themes, phone width; axe-core on every page (no serious or critical violation) and no
 * Content-Security-Policy violation. One browser for the file; a screenshot per test in
 * test-artifacts/web/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { newThreadId, type Thread } from "@loom/runtime/thread";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ARTIFACTS, hasChromium, launchChromium, longThread, startWebServer } from "./_browser.ts";

const ciRequired = ["true", "1"].includes(String(process.env.CI).toLowerCase());
if (!hasChromium && ciRequired)
  throw new Error("chromium is missing and CI=true (scripts/test-deps.sh installs it)");
const suite = hasChromium ? describe : describe.skip;
/** Chromium on a loaded 2-core machine: generous per-test limits (no timing is asserted). */
const T = 60_000;

const base = (over: Partial<Thread>): Thread => ({
  id: newThreadId(),
  version: 0,
  createdAt: "2026-11-01T10:00:00.000Z",
  updatedAt: "2026-11-01T10:00:00.000Z",
  workspace: "/home/ada/proj",
  visibility: "team",
  isPrivate: false,
  messages: [],
  ...over,
});

const parser = base({
  title: "Parser hangs on trailing backslash",
  usage: { inputTokens: 1200, outputTokens: 340, costUsd: 0.0123 },
  git: { branch: "fix/parser", commit: "0123456789abcdef0123" },
  messages: [
    { role: "user", content: "Why does the **parser** hang?" },
    {
      role: "assistant",
      content:
        'The tokenizer loops:\n\n```ts\nconst next = (i: number) => i;\n```\n\n<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><style>body{display:none}</style><b style="color:red">styled</b>',
      toolCalls: [
        {
          id: "c1",
          name: "edit_file",
          input: { path: "src/tokenizer.ts", edits: [{ old: "i", new: "i + 1" }] },
        },
      ],
    },
    { role: "tool", toolCallId: "c1", name: "edit_file", content: "edited src/tokenizer.ts" },
  ],
});
const other = base({
  title: "Release notes",
  workspace: "/home/ada/docs",
  messages: [{ role: "user", content: "Write the notes" }],
});
const long = longThread(newThreadId(), 2000);

let web: Awaited<ReturnType<typeof startWebServer>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const cspViolations: string[] = [];

async function shot(name: string) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

async function axe(label: string) {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes[0]?.target}`)).toEqual([]);
}

suite("web UI in Chromium", () => {
  beforeAll(async () => {
    web = await startWebServer();
    for (const t of [parser, other, long]) await web.put(t);
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

  test(
    "signing in with a token; a wrong one is refused",
    async () => {
      await page.goto(`${web.url}/threads`);
      await page.waitForURL(/\/sign-in\?next=/);
      await axe("sign-in");
      await page.fill("#token", "lt_wrong-token-000000");
      await page.click("button[type=submit]");
      await expect(page.locator("[role=alert]").textContent()).resolves.toBe(
        "The server does not know this token.",
      );
      await page.fill("#token", web.token);
      await page.click("button[type=submit]");
      await page.waitForURL(/\/threads$/);
      await page.locator(".thread-row").nth(2).waitFor();
      expect(await page.locator(".thread-row").count()).toBe(3);
      await axe("threads");
      await shot("sign-in-then-threads");
    },
    T,
  );

  test(
    "search marks the matched words; opening a hit shows the thread",
    async () => {
      await page.keyboard.press("/");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("search");
      await page.keyboard.type("parser");
      await page.keyboard.press("Enter");
      await page.waitForURL(/q=parser/);
      await page.locator(".thread-row mark").first().waitFor();
      expect(await page.locator(".thread-row").count()).toBe(1);
      expect(await page.locator(".thread-row mark").first().textContent()).toBe("Parser");
      await axe("search");
      await shot("search");
      // Keyboard: focus the first row and open it with Enter.
      await page.locator(".thread-row a").first().focus();
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/threads\/T-/);
      await page.locator(".msg-assistant").waitFor();
      expect(await page.locator("h1").textContent()).toBe(parser.title ?? "");
      expect(await page.locator(".facts").textContent()).toContain("1,200 in · 340 out");
      expect(await page.locator(".facts").textContent()).toContain("fix/parser");
    },
    T,
  );

  test(
    "thread view: sanitised Markdown, highlighted code, tool call with diff opens on click",
    async () => {
      const md = page.locator(".msg-assistant .md");
      expect(await md.locator("strong").count()).toBe(0);
      expect(await page.locator(".msg-user .md strong").textContent()).toBe("parser");
      expect(await md.locator("code.language-ts .hljs-keyword").first().textContent()).toBe("const");
      expect(await md.locator("script").count()).toBe(0);
      // Inline styles are allowed by the CSP (xterm.js): none may come from a thread.
      expect(await md.locator("style").count()).toBe(0);
      expect(await md.locator("b").getAttribute("style")).toBeNull();
      expect(await md.locator("img").getAttribute("onerror")).toBeNull();
      expect(await page.evaluate(() => (window as { __xss?: number }).__xss ?? "none")).toBe("none");
      const tool = page.locator("details.tool").first();
      expect(await tool.getAttribute("open")).toBeNull();
      await tool.locator("summary").click();
      expect(await tool.getAttribute("open")).toBe("");
      expect(await tool.locator(".diff .d-add").textContent()).toBe("+i + 1");
      expect(await tool.locator(".output").textContent()).toBe("edited src/tokenizer.ts");
      await axe("thread");
      await shot("thread");
    },
    T,
  );

  test(
    "a 2,000-message thread keeps only the rows in view in the page; j moves turn by turn",
    async () => {
      await page.goto(`${web.url}/threads/${long.id}`);
      await page.locator(".row").first().waitFor();
      const rows = await page.locator(".row").count();
      expect(rows).toBeGreaterThan(0);
      expect(rows).toBeLessThan(60);
      await page.locator(".scroller").focus();
      for (let i = 0; i < 3; i++) await page.keyboard.press("j");
      await page.waitForFunction(() => document.activeElement?.getAttribute("data-index") === "2");
      await page.locator(".scroller").evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      await page.getByText("Question 499:").waitFor();
      expect(await page.locator(".row").count()).toBeLessThan(60);
      await axe("long thread");
      await shot("long-thread");
    },
    T,
  );

  test(
    "dark theme by toggle and by the system setting; a phone-width page has no sideways scroll",
    async () => {
      await page.goto(`${web.url}/threads/${parser.id}`);
      await page.locator(".msg-assistant").waitFor();
      const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const light = await bg();
      await page.getByRole("button", { name: "Dark theme" }).click();
      expect(await bg()).not.toBe(light);
      await axe("thread dark");
      await shot("thread-dark");
      const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, colorScheme: "dark" });
      const p2 = await phone.newPage();
      await p2.goto(`${web.url}/sign-in`);
      expect(await p2.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(light);
      await p2.evaluate((t) => sessionStorage.setItem("loom.token", t), web.token);
      await p2.goto(`${web.url}/threads/${parser.id}`);
      await p2.locator(".msg-assistant").waitFor();
      expect(await p2.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await p2.screenshot({ path: join(ARTIFACTS, "phone-thread.png") });
      await phone.close();
    },
    T,
  );

  test(
    "usage: a Chart.js chart with its summary and table, totals, CSV download of the rows",
    async () => {
      const insert = web.db.$client.query(
        "INSERT INTO usage (day, token_id, user_id, provider, model, requests, input_tokens, output_tokens, cost_usd) VALUES (?, 'tok_e2e', 'ada', 'anthropic', ?, ?, ?, ?, ?)",
      );
      insert.run("2026-11-20", "claude-sonnet-4-5", 3, 3000, 300, 0.5);
      insert.run("2026-11-21", "claude-sonnet-4-5", 1, 1000, 100, 0.25);
      insert.run("2026-11-21", "gpt-4o", 2, 2000, 200, 0.125);
      await page.goto(`${web.url}/threads`);
      await page.getByRole("link", { name: "Usage" }).click();
      await page.waitForURL(/\/usage$/);
      // The first report fills the range in (the server's default): change it only after that, or the
      // answer arriving late overwrites what was typed.
      await page.waitForFunction(
        () => (document.querySelector("#usage-from") as HTMLInputElement | null)?.value !== "",
      );
      await page.fill("#usage-from", "2026-11-19");
      await page.fill("#usage-to", "2026-11-21");
      await page.getByRole("button", { name: "Show" }).click();
      await page.waitForURL(/from=2026-11-19/);
      await page.locator(".usage-totals").getByText("$0.88").waitFor();
      // Chart.js drew on the canvas (it sizes it and paints non-transparent pixels).
      await page.waitForFunction(() => {
        const c = document.querySelector<HTMLCanvasElement>(".chart-box canvas");
        const d = c?.getContext("2d")?.getImageData(0, 0, c.width, c.height).data;
        return !!d && d.some((v, i) => i % 4 === 3 && v > 0);
      });
      const canvas = page.locator(".chart-box canvas");
      expect(await canvas.getAttribute("aria-label")).toContain(
        "Cost per day by model: $0.88 in total over 3 days",
      );
      await page.locator(".chart-data summary").click();
      expect(await page.locator(".chart-data tbody tr").count()).toBe(3);
      expect(await page.locator(".usage-table").first().locator("tbody tr").count()).toBe(2);
      await axe("usage");
      await shot("usage");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("button", { name: "Download CSV" }).click(),
      ]);
      expect(download.suggestedFilename()).toBe("loom-usage-me-2026-11-19-2026-11-21.csv");
      const csv = await Bun.file((await download.path()) ?? "").text();
      expect(csv.split("\r\n")).toEqual([
        "day,user,user_id,provider,model,requests,input_tokens,output_tokens,cost_usd",
        "2026-11-20,ada,ada,anthropic,claude-sonnet-4-5,3,3000,300,0.5",
        "2026-11-21,ada,ada,anthropic,claude-sonnet-4-5,1,1000,100,0.25",
        "2026-11-21,ada,ada,anthropic,gpt-4o,2,2000,200,0.125",
        "",
      ]);
    },
    T,
  );

  test(
    "flags page: rule builder with live preview, save, kill switch after confirmation",
    async () => {
      const api = async (method: string, path: string, body: unknown) => {
        const res = await fetch(`${web.url}${path}`, {
          method,
          headers: { authorization: `Bearer ${web.token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        if (res.status >= 300) throw new Error(`${path}: ${res.status}`);
      };
      await api("POST", "/api/orgs", { slug: "acme" });
      await api("POST", "/api/orgs/acme/flags", {
        key: "checkout.new_flow",
        kind: "boolean",
        description: "New checkout",
        environments: { prod: { enabled: true, defaultVariant: "off", rules: [] } },
      });
      await api("PUT", "/api/orgs/acme/kill-switches/ops.checkout_incident", {
        flags: ["checkout.new_flow"],
      });
      await page.goto(`${web.url}/flags?org=acme&env=prod`);
      await page.getByRole("button", { name: "checkout.new_flow" }).click();
      await page.getByRole("button", { name: "Add rule" }).click();
      await page.getByLabel("Rule 1 condition 1 attribute").fill("plan");
      await page.getByLabel("Rule 1 condition 1 value").fill("pro");
      await expect(page.getByTestId("preview").textContent()).resolves.toContain(
        "serves on = true (TARGETING_MATCH, rule 1)",
      );
      await axe("flags editor");
      await shot("flags-editor");
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByText("(boolean, v2)").waitFor();
      await page.getByRole("button", { name: "Activate ops.checkout_incident" }).click();
      await page.getByRole("alertdialog").waitFor();
      await page.fill("#kill-reason", "payments down");
      await page.getByRole("button", { name: "Turn off everywhere" }).click();
      await page.getByText("killed (ops.checkout_incident)").waitFor();
      await axe("flags killed");
      await shot("flags-killed");
    },
    T,
  );

  test(
    "analytics explorer: a drawn chart with its text alternative, a breakdown and a funnel",
    async () => {
      const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();
      const batch = [3, 2, 2, 1, 0, 0].map((n, i) => ({
        event: "session.started",
        distinct_id: "self",
        timestamp: day(n),
        properties: { surface: i % 2 ? "run" : "repl" },
      }));
      batch.push({
        event: "tool.used",
        distinct_id: "self",
        timestamp: day(0),
        properties: { surface: "run" },
      });
      const res = await fetch(`${web.url}/api/analytics/batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${web.token}`, "content-type": "application/json" },
        body: JSON.stringify({ batch }),
      });
      expect(res.status).toBe(200);
      // The server's own events (an org made by an earlier test would be the default scope).
      await page.goto(`${web.url}/analytics?org=_server`);
      await page.locator(".totals").waitFor();
      expect(await page.locator(".totals").textContent()).toContain("7 events");
      await page.fill("#breakdown", "surface");
      await page.fill("#steps", "session.started,tool.used");
      await page.click("form.analytics-form button[type=submit]");
      await page.locator(".funnel-step").nth(1).waitFor();
      await page.waitForFunction(() =>
        (document.querySelector("canvas")?.getAttribute("aria-label") ?? "").includes("repl"),
      );
      // chart.js drew on the canvas (its chunk loaded with the page), and the label says the numbers.
      expect(await page.evaluate(() => document.querySelector("canvas")?.style.boxSizing)).toBe("border-box");
      expect(await page.locator("canvas").getAttribute("aria-label")).toContain("run 4, repl 3");
      expect(await page.locator(".funnel-step").first().textContent()).toContain("1 person (100%)");
      await page.locator("details summary").click();
      expect(await page.locator(".trend-table tbody tr").count()).toBe(7);
      await axe("analytics");
      await shot("analytics");
    },
    T,
  );

  test(
    "no Content-Security-Policy violation on any page; docs page has no script",
    async () => {
      await page.goto(`${web.url}/api/docs`);
      expect(await page.locator("script").count()).toBe(0);
      expect(await page.locator("a[href='/api/openapi.json']").count()).toBe(1);
      await shot("api-docs");
      expect(cspViolations).toEqual([]);
    },
    T,
  );
});
