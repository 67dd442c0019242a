/**
 * The auth plugin: resolves a principal for every request and offers the `auth` macro; a route with
 * `{ auth: true }` answers 401 without one and receives `principal` in its context; a route with
 * `{ optionalAuth: true }` (public resources) receives `principal` undefined when the request carries
 * no credential, and still answers 401 to a credential that is invalid or revoked.
 * @example
 * app.use(authPlugin([credentialResolver(deps)])).get("/api/auth/me", ({ principal }) => principal, { auth: true })
 */
import { Elysia } from "elysia";
import { HttpError } from "../http-error.ts";
import { readCookie, SESSION_COOKIE } from "./cookies.ts";
import { bearerOf, type Principal, type PrincipalResolver } from "./principal.ts";

export async function resolvePrincipal(
  resolvers: PrincipalResolver[],
  request: Request,
): Promise<Principal | undefined> {
  for (const r of resolvers) {
    const p = await r(request);
    if (p) return p;
  }
  return undefined;
}

export function authPlugin(resolvers: PrincipalResolver[]) {
  const seen = new WeakMap<Request, Principal>();
  // Runs before the body is parsed and validated, so a caller without credentials learns only that.
  const authenticate = async ({ request }: { request: Request }) => {
    if (seen.has(request)) return;
    const principal = await resolvePrincipal(resolvers, request);
    if (!principal) {
      const hasCredential =
        bearerOf(request) !== undefined || readCookie(request, SESSION_COOKIE) !== undefined;
      throw new HttpError(
        401,
        "UNAUTHORIZED",
        hasCredential ? "invalid or revoked token" : "missing credentials: send Authorization: Bearer lt_…",
        undefined,
        { "www-authenticate": 'Bearer realm="loom"' },
      );
    }
    seen.set(request, principal);
  };
  return new Elysia({ name: "loom.auth" }).macro({
    optionalAuth: {
      async resolve({ request }) {
        const anonymous =
          bearerOf(request) === undefined && readCookie(request, SESSION_COOKIE) === undefined;
        if (anonymous) return { principal: undefined as Principal | undefined };
        await authenticate({ request });
        return { principal: seen.get(request) as Principal | undefined };
      },
    },
    auth: {
      transform: authenticate,
      async resolve({ request }) {
        await authenticate({ request });
        return { principal: seen.get(request) as Principal };
      },
    },
  });
}
