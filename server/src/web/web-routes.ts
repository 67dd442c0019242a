/**
 * The web UI at `/`: files of the built app, hashed assets cached for a year, index.html revalidated,
 * every other non-API path answered with index.html (the app's router takes it from there), and a
 * strict Content-Security-Policy (no inline scripts, nothing from other origins; inline styles for xterm.js).
 */
import { Elysia } from "elysia";
import { jsonError } from "../http-error.ts";
import { docsPage } from "./docs-page.ts";
import type { WebAssets } from "./web-assets.ts";

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // 'unsafe-inline' for styles only: xterm.js (the weaver terminal) writes <style> elements and style attributes (specs/web.md).
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const NOT_BUILT =
  "The Loom web UI is not built in this checkout: run `bun run build` (or `cd web && bun run build`) and restart `loom serve`.\n";

const IMMUTABLE = "public, max-age=31536000, immutable";
const security = {
  "content-security-policy": CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** Paths the UI never answers for: an unknown API route stays a JSON 404. */
const isApi = (path: string) =>
  path === "/api" ||
  path.startsWith("/api/") ||
  path.startsWith("/proxy/") ||
  path === "/health" ||
  path === "/metrics";

/**
 * What a GET no API route matched gets: a file of the app, index.html (SPA fallback), or the one-line
 * "not built" note; undefined for API paths (their JSON 404 stands).
 */
export function webFallback(assets: WebAssets | null): (request: Request) => Response | undefined {
  return (request) => {
    const path = new URL(request.url).pathname;
    return isApi(path) ? undefined : serve(assets, path);
  };
}

function serve(assets: WebAssets | null, path: string): Response {
  if (!assets) return new Response(NOT_BUILT, { headers: { "content-type": "text/plain; charset=utf-8" } });
  const file = path !== "/" && path !== "/index.html" ? assets.get(path) : undefined;
  if (file) {
    const hashed = path.startsWith("/assets/");
    return new Response(file.body, {
      headers: {
        "content-type": file.type,
        "cache-control": hashed ? IMMUTABLE : "no-cache",
        ...security,
      },
    });
  }
  // A missing hashed file is a 404, not the app: a stale tab must not parse HTML as JavaScript.
  if (path.startsWith("/assets/")) return jsonError(404, "NOT_FOUND", `no file ${path}`);
  const index = assets.get("/index.html");
  if (!index) return new Response(NOT_BUILT, { headers: { "content-type": "text/plain; charset=utf-8" } });
  return new Response(index.body, {
    headers: { "content-type": index.type, "cache-control": "no-cache", ...security },
  });
}

/** `/api/docs`: the script-free operations page. */
export function docsRoute(opts: { openapi: () => Promise<unknown> }) {
  return new Elysia({ name: "loom.docs" }).get(
    "/api/docs",
    async () =>
      new Response(docsPage((await opts.openapi()) as Parameters<typeof docsPage>[0]), {
        headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache", ...security },
      }),
    { detail: { hide: true } },
  );
}
