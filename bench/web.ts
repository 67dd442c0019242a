/**
 * The web UI (issue 14): initial route JavaScript (gzip), largest contentful paint of the thread list
 * on loopback, and the thread view of a 2,000-message thread with 500 tool calls (time to its first
 * rows, longest task while scrolling through it). Real Chromium (Debian's) against a real server.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { newThreadId } from "@loom/runtime/thread";
import { hasChromium, launchChromium, longThread, startWebServer } from "../tests/web/_browser.ts";
import { type BenchResult, median } from "./types.ts";

const RUNS = 5;

/** The entry script and the modules index.html preloads: what the first page needs before it runs. */
function initialJsGzip(distDir: string): number {
  const html = readFileSync(join(distDir, "index.html"), "utf8");
  const srcs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  return srcs.reduce((n, s) => n + Bun.gzipSync(readFileSync(join(distDir, s))).length, 0);
}

/** The longest main-thread task's CPU time (`tdur`) in a Chromium trace. */
function longestTaskCpuMs(trace: Buffer): number {
  type Ev = { ph: string; name: string; pid: number; tid: number; tdur?: number; args?: { name?: string } };
  const events = (JSON.parse(trace.toString()) as { traceEvents: Ev[] }).traceEvents;
  const main = new Set(
    events
      .filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain")
      .map((e) => `${e.pid}:${e.tid}`),
  );
  let max = 0;
  for (const e of events)
    if (e.ph === "X" && e.name.endsWith("RunTask") && e.tdur && main.has(`${e.pid}:${e.tid}`))
      max = Math.max(max, e.tdur / 1000);
  return max;
}

export async function run(): Promise<BenchResult[]> {
  if (!hasChromium) {
    process.stderr.write(
      "bench web: /usr/bin/chromium missing (scripts/test-deps.sh installs it); skipped\n",
    );
    return [];
  }
  const web = await startWebServer();
  const browser = await launchChromium();
  try {
    const long = longThread(newThreadId(), 2000);
    await web.put(long);
    const kb = initialJsGzip(web.distDir) / 1024;

    const lcps: number[] = [];
    const ready: number[] = [];
    const longest: number[] = [];
    const longestCpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      await context.addInitScript((token) => {
        sessionStorage.setItem("loom.token", token);
        const w = window as unknown as {
          __lcp: number;
          __rows: number;
          __long: { start: number; ms: number }[];
        };
        w.__lcp = 0;
        w.__long = [];
        new PerformanceObserver((l) => {
          for (const e of l.getEntries()) w.__lcp = e.startTime;
        }).observe({ type: "largest-contentful-paint", buffered: true });
        new PerformanceObserver((l) => {
          for (const e of l.getEntries()) w.__long.push({ start: e.startTime, ms: e.duration });
        }).observe({ type: "longtask", buffered: true });
        new MutationObserver((_, obs) => {
          if (document.querySelector(".row")) {
            w.__rows = performance.now();
            obs.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      }, web.token);
      const page = await context.newPage();

      await page.goto(`${web.url}/threads`);
      await page.locator(".thread-row").first().waitFor();
      // LCP is final once the page has had input or settles; read it after the list is drawn.
      await page.waitForTimeout(100);
      lcps.push(await page.evaluate(() => (window as unknown as { __lcp: number }).__lcp));

      await page.goto(`${web.url}/threads/${long.id}`);
      await page.locator(".row").first().waitFor();
      ready.push(await page.evaluate(() => (window as unknown as { __rows: number }).__rows));
      // Let the first rows settle (their load task is not part of scrolling), then scroll through the
      // whole thread in 60 steps, one per frame, counting only tasks that start after scrolling did.
      await page.waitForTimeout(300);
      const scrollStart = await page.evaluate(() => performance.now());
      // The trace gives each task's main-thread CPU time as well: on a loaded machine the wall time of
      // a task (what the longtask observer reports) also counts the time the thread waited for a core.
      await browser.startTracing(page, { categories: ["toplevel"] });
      await page.locator(".scroller").evaluate(async (el) => {
        for (let s = 1; s <= 60; s++) {
          el.scrollTop = (el.scrollHeight * s) / 60;
          await new Promise((r) => requestAnimationFrame(() => r(null)));
        }
      });
      await page.waitForTimeout(100);
      longestCpu.push(longestTaskCpuMs(await browser.stopTracing()));
      longest.push(
        await page.evaluate(
          (t0) =>
            Math.max(
              0,
              ...(window as unknown as { __long: { start: number; ms: number }[] }).__long
                .filter((e) => e.start >= t0)
                .map((e) => e.ms),
            ),
          scrollStart,
        ),
      );
      await context.close();
    }
    const lcp = median(lcps);
    const rowsAt = median(ready);
    const worstTask = Math.max(...longest);
    const worstCpu = Math.max(...longestCpu);
    const load = loadavg()[0]?.toFixed(1) ?? "?";
    return [
      {
        name: "web: initial route JS (gzip)",
        value: Math.round(kb * 10) / 10,
        unit: "KB",
        goal: "<= 150 KB",
        ok: kb <= 150,
      },
      {
        name: `web: LCP of /threads on loopback (median of ${RUNS})`,
        value: Math.round(lcp),
        unit: "ms",
        goal: "<= 500 ms",
        ok: lcp <= 500,
      },
      {
        name: `web: 2,000-message thread, navigation to first rows (median of ${RUNS})`,
        value: Math.round(rowsAt),
        unit: "ms",
        goal: "<= 300 ms",
        ok: rowsAt <= 300,
      },
      {
        name: `web: longest task scrolling that thread, wall clock (worst of ${RUNS}; load ${load})`,
        value: Math.round(worstTask),
        unit: "ms",
        goal: "<= 50 ms",
        ok: worstTask <= 50,
      },
      {
        name: `web: longest task scrolling that thread, main-thread CPU (worst of ${RUNS})`,
        value: Math.round(worstCpu),
        unit: "ms",
        goal: "<= 50 ms",
        ok: worstCpu <= 50,
      },
    ];
  } finally {
    await browser.close();
    await web.stop();
  }
}
