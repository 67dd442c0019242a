/**
 * `/api/auth`: who am I (with impersonation), sign out, my sessions. Sign-in routes (OIDC, magic
 * link, device code) build on the same kit (`kit.ts`).
 */

import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { SESSION_KINDS } from "../accounts/sessions.ts";
import { HttpError } from "../http-error.ts";
import { clearSessionCookie } from "./cookies.ts";
import type { AuthKit } from "./kit.ts";
import { authPlugin } from "./plugin.ts";
import { type Principal, type PrincipalResolver, subjectOf } from "./principal.ts";

export const PrincipalSchema = t.Object({
  userId: t.String(),
  via: t.String(),
  tokenId: t.Optional(t.String()),
  sessionId: t.Optional(t.String()),
  name: t.Optional(t.String()),
  rateLimitPerMinute: t.Optional(t.Integer()),
  user: t.Optional(
    t.Object({
      id: t.String(),
      email: t.Nullable(t.String()),
      displayName: t.String(),
      roles: t.Array(t.String()),
    }),
  ),
  orgs: t.Optional(t.Array(t.Object({ orgId: t.String(), role: t.String() }))),
  teams: t.Optional(t.Array(t.Object({ teamId: t.String(), orgId: t.String(), role: t.String() }))),
  apiKey: t.Optional(t.Object({ id: t.String(), orgId: t.String(), scopes: t.Array(t.String()) })),
  /** Present while a system_admin acts as this user: every UI shows a banner. */
  impersonation: t.Optional(t.Object({ by: t.String(), expiresAt: t.String() })),
});

const Session = t.Object({
  id: t.String(),
  kind: t.Union([t.Literal(SESSION_KINDS[0]), t.Literal(SESSION_KINDS[1])]),
  createdAt: t.String(),
  lastUsedAt: t.String(),
  expiresAt: t.String(),
  ip: t.Nullable(t.String()),
  userAgent: t.Nullable(t.String()),
  impersonatorId: t.Nullable(t.String()),
  current: t.Boolean(),
});

function sessionOwner(p: Principal): string {
  if (p.via === "apikey") throw new HttpError(403, "FORBIDDEN", "an API key has no sessions");
  return p.userId;
}

export function authRoutes(resolvers: PrincipalResolver[], kit: AuthKit) {
  return new Elysia({ prefix: "/api/auth", detail: { tags: ["auth"] } })
    .use(authPlugin(resolvers))
    .get(
      "/me",
      async ({ principal }) => {
        const { subject: _s, cookie: _c, ...base } = principal;
        const s = subjectOf(principal);
        const me: typeof PrincipalSchema.static = { ...base };
        if (s.kind === "apikey") me.apiKey = { id: s.keyId, orgId: s.orgId, scopes: s.scopes };
        const user = await kit.accounts.users.get(principal.userId);
        if (user)
          me.user = { id: user.id, email: user.email, displayName: user.displayName, roles: user.roles };
        if (s.kind === "user") {
          me.orgs = s.orgs;
          me.teams = s.teams;
        }
        return me;
      },
      {
        auth: true,
        response: PrincipalSchema,
        detail: { summary: "The calling principal", operationId: "auth.me", ...access("Read", "none") },
      },
    )
    .post(
      "/logout",
      async ({ principal, request, set }) => {
        sessionOwner(principal);
        if (!principal.sessionId)
          throw new HttpError(400, "INVALID_INPUT", "not signed in with a session (revoke a token instead)");
        await kit.accounts.sessions.revoke(principal.sessionId, principal.userId);
        await kit.audit(request, principal, {
          action: "auth.sign_out",
          targetType: "session",
          targetId: principal.sessionId,
        });
        // Only a cookie session clears the cookie: ending a bearer session (a tab's impersonation
        // session, sent alongside the browser's own cookie) must not sign the browser out.
        if (principal.cookie) set.headers["set-cookie"] = clearSessionCookie({ secure: kit.secureCookie });
        set.status = 204;
      },
      {
        auth: true,
        detail: {
          summary: "End the current session",
          operationId: "auth.logout",
          ...access("Write", "user"),
        },
      },
    )
    .get(
      "/sessions",
      async ({ principal }) => {
        const rows = await kit.accounts.sessions.list(sessionOwner(principal));
        return {
          items: rows.map(({ userId: _u, ...s }) => ({ ...s, current: s.id === principal.sessionId })),
        };
      },
      {
        auth: true,
        response: t.Object({ items: t.Array(Session) }),
        detail: { summary: "My live sessions", operationId: "auth.sessions.list", ...access("Read", "user") },
      },
    )
    .delete(
      "/sessions/:id",
      async ({ principal, params, request, set }) => {
        if (!(await kit.accounts.sessions.revoke(params.id, sessionOwner(principal))))
          throw new HttpError(404, "NOT_FOUND", `session ${params.id} not found`);
        await kit.audit(request, principal, {
          action: "auth.session_revoked",
          targetType: "session",
          targetId: params.id,
        });
        set.status = 204;
      },
      {
        auth: true,
        params: t.Object({ id: t.String({ maxLength: 100 }) }),
        detail: {
          summary: "Revoke one of my sessions",
          operationId: "auth.sessions.revoke",
          ...access("Write", "user"),
        },
      },
    );
}
