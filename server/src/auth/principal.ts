/**
 * Who is calling: one `Principal` per request, whatever the credential (session cookie, bearer
 * session `ls_…`, API token `lt_…`, org API key `lk_…`), carrying the `subject` the policy judges.
 */
import type { ApiKeySubject, UserSubject } from "../access/subject.ts";

export interface Principal {
  /** The acting user (for an API key: its creator, who owns what the key writes). */
  userId: string;
  /** How the principal was established. */
  via: "token" | "session" | "apikey" | (string & {});
  /** The API token or org API key used (usage accounting and rate limits key on it). */
  tokenId?: string;
  sessionId?: string;
  name?: string;
  /** Proxy requests per minute for this principal, when it differs from the server default. */
  rateLimitPerMinute?: number;
  /** Roles and memberships (or the key's scopes); absent: a plain user with none. */
  subject?: UserSubject | ApiKeySubject;
  /** The system_admin acting as `userId`, and until when. */
  impersonation?: { by: string; expiresAt: string };
  /** The credential was the session cookie, so state changes need the CSRF check. */
  cookie?: boolean;
}

export type PrincipalResolver = (request: Request) => Principal | undefined | Promise<Principal | undefined>;

/** The subject of a principal (a plain user when none was attached). */
export function subjectOf(p: Principal): UserSubject | ApiKeySubject {
  return p.subject ?? { kind: "user", userId: p.userId, roles: [], orgs: [], teams: [] };
}

/** Reads a bearer credential from `Authorization: Bearer …` or, for the Anthropic SDK, `x-api-key`. */
export function bearerOf(request: Request): string | undefined {
  const auth = request.headers.get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim();
  return request.headers.get("x-api-key")?.trim() || undefined;
}
