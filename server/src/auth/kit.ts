/**
 * What sign-in methods build on (the seam for OIDC, magic link and device code): find or create the
 * account for a verified e-mail, start a session for it, record audit events. `createApp` makes one
 * kit and hands it to the auth routes; a sign-in route calls, after verifying who the person is:
 * @example
 * const user = await kit.userForVerifiedEmail(email, name);
 * const { setCookie } = await kit.startSession(user.id, "web", request, { method: "oidc:okta" });
 * return new Response(null, { status: 302, headers: { location: "/", "set-cookie": setCookie! } });
 */
import type { Accounts } from "../accounts/accounts.ts";
import type { AuditEvent } from "../accounts/audit.ts";
import type { SessionInfo, SessionKind } from "../accounts/sessions.ts";
import type { User } from "../accounts/users.ts";
import { clientIp } from "../client-ip.ts";
import type { TokenStore } from "../db/backend.ts";
import { readCookie, SESSION_COOKIE, sessionCookie } from "./cookies.ts";
import type { Principal } from "./principal.ts";
import { credentialResolver } from "./resolve.ts";

export interface AuthKitDeps {
  accounts: Accounts;
  tokens: TokenStore;
  /** `[server] public_url`; an https URL makes the cookie Secure and names the CSRF origin. */
  publicUrl?: string;
  /** The database's auth epoch, when it has one (`Backend.authEpoch`). */
  authEpoch?: () => number | undefined;
}

export function createAuthKit(d: AuthKitDeps) {
  const secure = d.publicUrl?.startsWith("https://") ?? false;
  const audit = (request: Request | undefined, p: Principal | undefined, e: AuditEvent) =>
    d.accounts.audit.append({
      actorId: p?.userId ?? null,
      impersonatorId: p?.impersonation?.by ?? null,
      ip: request ? clientIp(request) : null,
      ...e,
    });

  return {
    accounts: d.accounts,
    publicUrl: d.publicUrl,
    secureCookie: secure,
    resolver: credentialResolver(d),
    /** Appends an audit event; actor, impersonator and IP come from the principal and request. */
    audit,
    /** The account with this verified e-mail, created when new (the first account becomes system_admin). */
    async userForVerifiedEmail(email: string, displayName?: string): Promise<User> {
      const found = await d.accounts.users.findByEmail(email);
      if (found) return found;
      try {
        return await d.accounts.users.createUser({ email, displayName });
      } catch (e) {
        // Two first sign-ins with one address at once: the unique index lets one in; use it.
        const again = await d.accounts.users.findByEmail(email);
        if (again) return again;
        throw e;
      }
    },
    /**
     * Starts a session after a successful sign-in. The session id is new every time and a session
     * cookie the request carried is revoked (rotation at login). `web` answers the Set-Cookie value.
     */
    async startSession(
      userId: string,
      kind: SessionKind,
      request: Request,
      o: { method?: string; impersonatorId?: string; expiresAt?: Date } = {},
    ): Promise<{ session: SessionInfo; secret: string; setCookie?: string }> {
      const s = await d.accounts.sessions.create({
        userId,
        kind,
        ip: clientIp(request),
        userAgent: request.headers.get("user-agent"),
        impersonatorId: o.impersonatorId,
        expiresAt: o.expiresAt,
        // An impersonation runs beside the admin's own session, which it must not end.
        replaces: o.impersonatorId ? undefined : readCookie(request, SESSION_COOKIE),
      });
      await audit(request, undefined, {
        action: o.impersonatorId ? "auth.impersonate" : "auth.sign_in",
        actorId: o.impersonatorId ?? userId,
        targetType: "user",
        targetId: userId,
        detail: { method: o.method ?? "unknown", kind, sessionId: s.id },
      });
      const { secret, ...session } = s;
      const maxAgeSeconds = Math.floor((Date.parse(s.expiresAt) - Date.parse(s.createdAt)) / 1000);
      return {
        session,
        secret,
        ...(kind === "web" ? { setCookie: sessionCookie(secret, { secure, maxAgeSeconds }) } : {}),
      };
    },
    /** A sign-in that failed (bad code, bad token): audited with the method and why. */
    signInFailed: (request: Request, method: string, reason: string) =>
      audit(request, undefined, { action: "auth.sign_in_failed", detail: { method, reason } }),
  };
}

export type AuthKit = ReturnType<typeof createAuthKit>;
