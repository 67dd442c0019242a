/**
 * Who calls an analytics route: an analytics key (`loom_analytics_{write|rw}_…`, one org) or a
 * signed-in principal (session, token; its own product events and, for org admins, queries). A macro
 * like the auth plugin's: it runs before the body is validated, so a caller without credentials learns
 * only that (401).
 */
import { Elysia } from "elysia";
import { resolvePrincipal } from "../auth/plugin.ts";
import { bearerOf, type Principal, type PrincipalResolver } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import { ANALYTICS_KEY_PREFIX, type AnalyticsKeyInfo, type AnalyticsKeyStore } from "./keys.ts";

export type AnalyticsCaller =
  | { kind: "key"; key: AnalyticsKeyInfo }
  | { kind: "principal"; principal: Principal };

/** The scope of Loom's own product events (sent by signed-in runtimes); not an org id or slug. */
export const SERVER_SCOPE = "_server";

export function analyticsAuth(resolvers: PrincipalResolver[], keys: AnalyticsKeyStore) {
  const seen = new WeakMap<Request, AnalyticsCaller>();
  const authenticate = async ({ request }: { request: Request }) => {
    if (seen.has(request)) return;
    const bearer = bearerOf(request);
    if (bearer?.startsWith(ANALYTICS_KEY_PREFIX)) {
      const key = await keys.find(bearer);
      if (!key) throw new HttpError(401, "UNAUTHORIZED", "invalid or revoked analytics key");
      seen.set(request, { kind: "key", key });
      return;
    }
    const principal = await resolvePrincipal(resolvers, request);
    if (!principal)
      throw new HttpError(
        401,
        "UNAUTHORIZED",
        bearer
          ? "invalid or revoked token"
          : "missing credentials: send Authorization: Bearer loom_analytics_…",
        undefined,
        { "www-authenticate": 'Bearer realm="loom"' },
      );
    seen.set(request, { kind: "principal", principal });
  };
  return new Elysia({ name: "loom.analytics.auth" }).macro({
    analyticsAuth: {
      transform: authenticate,
      async resolve({ request }) {
        await authenticate({ request });
        return { caller: seen.get(request) as AnalyticsCaller };
      },
    },
  });
}
