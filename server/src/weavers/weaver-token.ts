/**
 * A weaver's own credential: `lw_<payload>.<signature>`, an HMAC-SHA256-signed statement "weaver W
 * of user U, until T" (no table: a replica with the same key verifies it). It acts as its owner
 * but only on the LLM proxy and on threads by id (`llm:use`, `threads:write` of the owner's own
 * threads), dies with the weaver (the resolver asks the driver it still exists) and at its expiry.
 * Any other route answers 403.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { PrincipalResolver } from "../auth/principal.ts";
import { bearerOf } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";

export const WEAVER_TOKEN_PREFIX = "lw_";

interface Claims {
  /** Weaver id. */
  w: string;
  /** Owner user id. */
  u: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export interface WeaverTokens {
  issue(weaverId: string, userId: string, expiresAt: Date): string;
  verify(token: string, now: Date): Claims | undefined;
}

export function createWeaverTokens(key: Uint8Array): WeaverTokens {
  const sign = (payload: string) => createHmac("sha256", key).update(payload).digest("base64url");
  return {
    issue(w, u, expiresAt) {
      const payload = Buffer.from(JSON.stringify({ w, u, exp: expiresAt.getTime() })).toString("base64url");
      return `${WEAVER_TOKEN_PREFIX}${payload}.${sign(payload)}`;
    },
    verify(token, now) {
      if (!token.startsWith(WEAVER_TOKEN_PREFIX)) return undefined;
      const [payload, sig] = token.slice(WEAVER_TOKEN_PREFIX.length).split(".");
      if (!payload || !sig) return undefined;
      const want = Buffer.from(sign(payload));
      const got = Buffer.from(sig);
      if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
      try {
        const c = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Claims;
        if (typeof c.w !== "string" || typeof c.u !== "string" || typeof c.exp !== "number") return undefined;
        return c.exp > now.getTime() ? c : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** Routes a weaver token may call: the proxy, one thread by id (read, write), and who-am-I. */
export function weaverMayCall(method: string, path: string): boolean {
  if (path.startsWith("/proxy/")) return true;
  if (method === "GET" && path === "/api/auth/me") return true;
  const m = /^\/api\/threads\/([^/]+)$/.exec(path);
  return m !== null && m[1] !== "search" && m[1] !== "events" && (method === "GET" || method === "PUT");
}

export function weaverTokenResolver(o: {
  tokens: WeaverTokens;
  exists: (weaverId: string) => Promise<boolean>;
  clock: () => Date;
}): PrincipalResolver {
  return async (request) => {
    const bearer = bearerOf(request);
    if (!bearer?.startsWith(WEAVER_TOKEN_PREFIX)) return undefined;
    const claims = o.tokens.verify(bearer, o.clock());
    if (!claims || !(await o.exists(claims.w))) return undefined;
    const path = new URL(request.url).pathname;
    if (!weaverMayCall(request.method, path))
      throw new HttpError(
        403,
        "FORBIDDEN",
        "a weaver token may only call the LLM proxy and write its own threads",
      );
    return {
      userId: claims.u,
      via: "weaver",
      tokenId: claims.w,
      name: claims.w,
      subject: { kind: "user", userId: claims.u, roles: [], orgs: [], teams: [] },
    };
  };
}
