/**
 * `/api/admin` and `/api/audit`: accounts (list, disable/enable, global roles), impersonation
 * (time-limited, recorded, visible in `/api/auth/me`) and the audit log query. Every change is audited.
 */
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { can } from "../access/policy.ts";
import { type Action, GLOBAL_ROLES, type GlobalRole, type Resource } from "../access/subject.ts";
import type { AuthKit } from "../auth/kit.ts";
import { authPlugin } from "../auth/plugin.ts";
import { type Principal, type PrincipalResolver, subjectOf } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";

export const IMPERSONATION_MAX_MINUTES = 60;

const User = t.Object({
  id: t.String(),
  email: t.Nullable(t.String()),
  displayName: t.String(),
  createdAt: t.String(),
  disabledAt: t.Nullable(t.String()),
  roles: t.Array(t.String()),
});
const UserParams = t.Object({ id: t.String({ maxLength: 100 }) });
const RoleT = t.Union(GLOBAL_ROLES.map((r) => t.Literal(r)) as [ReturnType<typeof t.Literal<GlobalRole>>]);

export function adminRoutes(resolvers: PrincipalResolver[], kit: AuthKit) {
  const { users, audit } = kit.accounts;
  const need = async (p: Principal, request: Request, action: Action, r: Resource) => {
    const d = can(subjectOf(p), action, r);
    if (d.allow) return;
    await kit.audit(request, p, {
      action: "access.denied",
      targetType: r.type,
      targetId: r.type === "user" ? r.userId : null,
      detail: { want: action, reason: d.reason },
    });
    throw new HttpError(403, "FORBIDDEN", d.reason);
  };
  const existing = async (id: string) => {
    const u = await users.get(id);
    if (!u) throw new HttpError(404, "NOT_FOUND", `user ${id} not found`);
    return u;
  };

  return new Elysia({ detail: { tags: ["admin"] } })
    .use(authPlugin(resolvers))
    .get(
      "/api/admin/users",
      async ({ principal, request, query }) => {
        await need(principal, request, "Read", { type: "directory" });
        const items = await users.list({ limit: query.limit ?? 100, after: query.after });
        return {
          items,
          nextAfter: items.length === (query.limit ?? 100) ? (items.at(-1)?.id ?? null) : null,
        };
      },
      {
        auth: true,
        query: t.Object({
          limit: t.Optional(t.Integer({ minimum: 1, maximum: 500 })),
          after: t.Optional(t.String({ maxLength: 100 })),
        }),
        response: t.Object({ items: t.Array(User), nextAfter: t.Nullable(t.String()) }),
        detail: { summary: "All accounts", operationId: "admin.users.list", ...access("Read", "directory") },
      },
    )
    .post(
      "/api/admin/users/:id/disable",
      async ({ principal, request, params, set }) => {
        await need(principal, request, "Write", { type: "directory" });
        await existing(params.id);
        if (params.id === principal.userId)
          throw new HttpError(400, "INVALID_INPUT", "you cannot disable yourself");
        await users.disable(params.id);
        await kit.audit(request, principal, {
          action: "user.disable",
          targetType: "user",
          targetId: params.id,
        });
        set.status = 204;
      },
      {
        auth: true,
        params: UserParams,
        detail: {
          summary: "Disable an account: its sessions, tokens and keys stop at once",
          operationId: "admin.users.disable",
          ...access("Write", "directory"),
        },
      },
    )
    .post(
      "/api/admin/users/:id/enable",
      async ({ principal, request, params, set }) => {
        await need(principal, request, "Write", { type: "directory" });
        await existing(params.id);
        await users.enable(params.id);
        await kit.audit(request, principal, {
          action: "user.enable",
          targetType: "user",
          targetId: params.id,
        });
        set.status = 204;
      },
      {
        auth: true,
        params: UserParams,
        detail: {
          summary: "Enable an account again",
          operationId: "admin.users.enable",
          ...access("Write", "directory"),
        },
      },
    )
    .put(
      "/api/admin/users/:id/roles",
      async ({ principal, request, params, body }) => {
        await need(principal, request, "Write", { type: "directory" });
        await existing(params.id);
        const roles = [...new Set(body.roles)];
        await users.setRoles(params.id, roles);
        await kit.audit(request, principal, {
          action: "user.roles",
          targetType: "user",
          targetId: params.id,
          detail: { roles },
        });
        return { id: params.id, roles };
      },
      {
        auth: true,
        params: UserParams,
        body: t.Object({ roles: t.Array(RoleT) }),
        parse: "json",
        detail: {
          summary: "Set an account's global roles",
          operationId: "admin.users.roles",
          ...access("Write", "directory"),
        },
      },
    )
    .post(
      "/api/admin/impersonate",
      async ({ principal, request, body, set }) => {
        await need(principal, request, "Impersonate", { type: "user", userId: body.userId });
        const target = await existing(body.userId);
        if (target.disabledAt) throw new HttpError(400, "INVALID_INPUT", "the account is disabled");
        const minutes = body.minutes ?? 30;
        const expiresAt = new Date(Date.now() + minutes * 60_000);
        const { session, secret } = await kit.startSession(target.id, "cli", request, {
          method: "impersonation",
          impersonatorId: principal.userId,
          expiresAt,
        });
        set.status = 201;
        return { token: secret, sessionId: session.id, userId: target.id, expiresAt: session.expiresAt };
      },
      {
        auth: true,
        body: t.Object({
          userId: t.String({ maxLength: 100 }),
          minutes: t.Optional(t.Integer({ minimum: 1, maximum: IMPERSONATION_MAX_MINUTES })),
        }),
        parse: "json",
        response: {
          201: t.Object({
            token: t.String(),
            sessionId: t.String(),
            userId: t.String(),
            expiresAt: t.String(),
          }),
        },
        detail: {
          summary: "Act as a user for up to 60 minutes (a bearer session; recorded; shown in /api/auth/me)",
          operationId: "admin.impersonate",
          ...access("Impersonate", "user"),
        },
      },
    )
    .get(
      "/api/audit",
      async ({ principal, request, query }) => {
        await need(principal, request, "Read", { type: "audit" });
        return audit.query({
          actorId: query.actor,
          action: query.action,
          from: query.from,
          to: query.to,
          limit: query.limit ?? 100,
          cursor: query.cursor,
        });
      },
      {
        auth: true,
        query: t.Object({
          actor: t.Optional(t.String({ maxLength: 100 })),
          action: t.Optional(t.String({ maxLength: 100 })),
          from: t.Optional(t.String({ maxLength: 40 })),
          to: t.Optional(t.String({ maxLength: 40 })),
          limit: t.Optional(t.Integer({ minimum: 1, maximum: 500 })),
          cursor: t.Optional(t.String({ maxLength: 100 })),
        }),
        detail: {
          summary: "The audit log, newest first, by actor, action and time",
          operationId: "audit.list",
          ...access("Read", "audit"),
        },
      },
    );
}
