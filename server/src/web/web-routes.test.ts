import { expect, test } from "bun:test";
import { testApp } from "../_test-helpers.ts";
import type { WebAssets } from "./web-assets.ts";
import { CSP, NOT_BUILT } from "./web-routes.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const assets: WebAssets = new Map([
  ["/index.html", { body: enc("<!doctype html><title>app</title>"), type: "text/html; charset=utf-8" }],
  ["/assets/index-abc123.js", { body: enc("console.log(1)"), type: "text/javascript; charset=utf-8" }],
]);
const get = (app: ReturnType<typeof testApp>["app"], path: string) =>
  app.handle(new Request(`http://localhost${path}`));

test("hashed assets are immutable for a year; index.html and SPA paths revalidate; all carry the CSP", async () => {
  const { app } = testApp({ web: assets });
  const js = await get(app, "/assets/index-abc123.js");
  expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  expect(js.headers.get("content-type")).toContain("javascript");
  for (const path of ["/", "/threads", "/threads/T-0190a0b0-0000-7000-8000-000000000000?q=x"]) {
    const res = await get(app, path);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("content-security-policy")).toBe(CSP);
    expect(await res.text()).toContain("<title>app</title>");
  }
  // Scripts stay 'self' only; inline styles are allowed for xterm.js (specs/web.md), but nothing CSS
  // could load from another origin.
  const directive = (name: string) => CSP.split("; ").find((d) => d.startsWith(`${name} `));
  expect(directive("script-src")).toBe("script-src 'self'");
  expect(directive("style-src")).toBe("style-src 'self' 'unsafe-inline'");
  for (const d of ["img-src 'self' data:", "font-src 'self'", "connect-src 'self'", "default-src 'self'"])
    expect(CSP).toContain(d);
});

test("API paths and missing hashed files stay JSON 404s, not the app", async () => {
  const { app } = testApp({ web: assets });
  for (const path of ["/api/nope", "/proxy/x/y", "/assets/index-gone.js"]) {
    const res = await get(app, path);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  }
  expect((await get(app, "/health")).status).toBe(200);
});

test("without a built UI, / says how to build it in one line", async () => {
  const { app } = testApp({ web: null });
  const res = await get(app, "/");
  expect(await res.text()).toBe(NOT_BUILT);
  expect(NOT_BUILT.trim().split("\n")).toHaveLength(1);
});

test("/api/docs lists the operations with no script at all", async () => {
  const { app } = testApp();
  const res = await get(app, "/api/docs");
  const html = await res.text();
  expect(res.headers.get("content-security-policy")).toBe(CSP);
  expect(html).not.toMatch(/<script/i);
  expect(html).toContain("/api/threads/search");
  expect(html).toContain('href="/api/openapi.json"');
});
