/**
 * CSRF protection for cookie-authenticated state changes (decision in specs/server.md "CSRF"): the
 * browser's own `Origin` header (or `Referer` when a privacy setting drops Origin) must name this
 * server: `[server] public_url`'s origin, else the request's own origin. Bearer credentials are not
 * ambient, so they need no check; safe methods change nothing.
 */
import { HttpError } from "../http-error.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

function originOf(v: string | null): string | undefined {
  if (!v || v === "null") return undefined;
  try {
    return new URL(v).origin;
  } catch {
    return undefined;
  }
}

export function checkCsrf(request: Request, publicUrl: string | undefined): void {
  if (SAFE.has(request.method)) return;
  const expected = originOf(publicUrl ?? null) ?? new URL(request.url).origin;
  const got = originOf(request.headers.get("origin")) ?? originOf(request.headers.get("referer"));
  if (got === expected) return;
  throw new HttpError(
    403,
    "CSRF_REJECTED",
    got
      ? `cross-site request refused: origin ${got} is not ${expected}`
      : "cross-site request refused: a cookie-authenticated change needs an Origin header",
  );
}
