/**
 * Credential → principal, for every kind Loom accepts: a bearer (`Authorization: Bearer` or
 * `x-api-key`) that is a session `ls_…`, an API token `lt_…` or an org API key `lk_…`; else the
 * `loom_session` cookie, whose state-changing requests must pass the CSRF check. Disabled users,
 * revoked or expired credentials resolve to nothing (401).
 */
import type { UserSubject } from "../access/subject.ts";
import type { Accounts } from "../accounts/accounts.ts";
import { API_KEY_PREFIX } from "../accounts/api-keys.ts";
import { SESSION_PREFIX } from "../accounts/sessions.ts";
import type { TokenStore } from "../db/backend.ts";
import { createAuthCache } from "./auth-cache.ts";
import { readCookie, SESSION_COOKIE } from "./cookies.ts";
import { checkCsrf } from "./csrf.ts";
import { bearerOf, type Principal, type PrincipalResolver } from "./principal.ts";
import { hashToken, TOKEN_PREFIX } from "./tokens.ts";

export interface ResolveDeps {
  tokens: TokenStore;
  accounts: Accounts;
  /** `[server] public_url`: the origin cookie-authenticated changes must come from. */
  publicUrl?: string;
  /** The database's `auth_epoch` (SQLite): token records and subjects are remembered while it stands still. */
  authEpoch?: () => number | undefined;
}

export function credentialResolver(d: ResolveDeps): PrincipalResolver {
  const { sessions, apiKeys } = d.accounts;
  const cache = createAuthCache(d.authEpoch ?? (() => undefined));
  const users = {
    subject: (userId: string) => cache.get(`subject:${userId}`, () => d.accounts.users.subject(userId)),
  };
  const findToken = (token: string) =>
    cache.get(`token:${hashToken(token)}`, async () => d.tokens.find(token));

  const bySession = async (secret: string, cookie: boolean): Promise<Principal | undefined> => {
    const s = await sessions.find(secret);
    const subject = s && (await users.subject(s.userId));
    if (!s || !subject) return undefined;
    return {
      userId: s.userId,
      via: "session",
      sessionId: s.id,
      // The remembered subject is shared (and frozen): an impersonated one is a copy.
      subject: s.impersonatorId ? { ...subject, impersonatorId: s.impersonatorId } : subject,
      ...(s.impersonatorId ? { impersonation: { by: s.impersonatorId, expiresAt: s.expiresAt } } : {}),
      ...(cookie ? { cookie: true } : {}),
    };
  };

  const byToken = async (token: string): Promise<Principal | undefined> => {
    const rec = await findToken(token);
    const subject = rec && (await users.subject(rec.userId));
    if (!rec || !subject) return undefined;
    return {
      userId: rec.userId,
      via: "token",
      tokenId: rec.id,
      name: rec.name,
      subject,
      ...(rec.rateLimitPerMinute === null ? {} : { rateLimitPerMinute: rec.rateLimitPerMinute }),
    };
  };

  const byKey = async (secret: string): Promise<Principal | undefined> => {
    const k = await apiKeys.find(secret);
    const creator: UserSubject | undefined = k && (await users.subject(k.createdBy));
    if (!k || !creator) return undefined;
    return {
      userId: k.createdBy,
      via: "apikey",
      tokenId: k.id,
      name: k.name,
      subject: { kind: "apikey", keyId: k.id, orgId: k.orgId, scopes: k.scopes, creator },
    };
  };

  return async (request) => {
    const bearer = bearerOf(request);
    if (bearer) {
      if (bearer.startsWith(SESSION_PREFIX)) return bySession(bearer, false);
      if (bearer.startsWith(TOKEN_PREFIX)) return byToken(bearer);
      if (bearer.startsWith(API_KEY_PREFIX)) return byKey(bearer);
      return undefined;
    }
    const cookie = readCookie(request, SESSION_COOKIE);
    if (!cookie) return undefined;
    const p = await bySession(cookie, true);
    if (p) checkCsrf(request, d.publicUrl);
    return p;
  };
}
