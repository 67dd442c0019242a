/**
 * Support access: the owner of a thread lets support staff (global role `support`) read it for 31
 * days (`POST /api/threads/:id/support-access`), or ends it sooner (`DELETE`). While the grant is live
 * the thread's policy resource has `sharedWithSupport` (`threads/routes.ts` asks `supportAccess`).
 * Support staff list the threads shared with them now (`GET /api/threads/support-access`).
 * Audited: `thread.support_granted`, `thread.support_revoked`.
 */
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { requireKeyScope } from "../access/key-scope.ts";
import type { AuthKit } from "../auth/kit.ts";
import { authPlugin } from "../auth/plugin.ts";
import { type Principal, type PrincipalResolver, subjectOf } from "../auth/principal.ts";
import type { ThreadStoreApi } from "../db/backend.ts";
import { HttpError } from "../http-error.ts";
import { canAccessThread } from "./policy.ts";

const IdParams = t.Object({ id: t.String({ pattern: "^T-[0-9a-f-]{36}$" }) });

export function supportRoutes(o: { store: ThreadStoreApi; resolvers: PrincipalResolver[]; kit: AuthKit }) {
  const grants = o.kit.accounts.supportGrants;
  /** The live thread if the caller owns it (Share); 404 when they cannot read it, else 403. */
  const owned = async (p: Principal, id: string) => {
    requireKeyScope(p, "Share", "thread");
    const row = await o.store.get(id);
    if (!row || row.deletedAt || !canAccessThread(p, "thread.read", row))
      throw new HttpError(404, "NOT_FOUND", `thread ${id} not found`);
    if (!canAccessThread(p, "thread.share", row))
      throw new HttpError(403, "FORBIDDEN", "only the owner grants support access");
    return row;
  };

  return new Elysia({ prefix: "/api/threads", detail: { tags: ["threads"] } })
    .use(authPlugin(o.resolvers))
    .get(
      "/support-access",
      async ({ principal, query }) => {
        const s = subjectOf(principal);
        if (s.kind !== "user" || !s.roles.includes("support"))
          throw new HttpError(403, "FORBIDDEN", "only support staff list the threads shared with support");
        const items = [];
        const names = new Map<string, string | null>();
        const nameOf = async (userId: string) => {
          if (!names.has(userId)) {
            const u = await o.kit.accounts.users.get(userId);
            names.set(userId, u ? u.displayName || u.email : null);
          }
          return names.get(userId) ?? null;
        };
        for (const g of await grants.listLive(query.limit ?? 50)) {
          const row = await o.store.get(g.threadId);
          // Judged like an open by id: the grant makes it readable to support staff, nothing more.
          if (
            !row ||
            row.deletedAt ||
            !canAccessThread(principal, "thread.read", { ...row, sharedWithSupport: true })
          )
            continue;
          items.push({
            id: row.id,
            title: row.title,
            ownerId: row.ownerId,
            ownerName: await nameOf(row.ownerId),
            workspace: row.workspace,
            updatedAt: row.updatedAt,
            grantedAt: g.createdAt,
            expiresAt: g.expiresAt,
          });
        }
        return { items };
      },
      {
        auth: true,
        query: t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 200 })) }),
        response: t.Object({
          items: t.Array(
            t.Object({
              id: t.String(),
              title: t.Nullable(t.String()),
              ownerId: t.String(),
              /** The owner's display name (or e-mail); null when the account is gone. */
              ownerName: t.Nullable(t.String()),
              workspace: t.String(),
              updatedAt: t.String(),
              grantedAt: t.String(),
              expiresAt: t.String(),
            }),
          ),
        }),
        detail: {
          summary: "Threads shared with support now, newest grant first (support staff only)",
          operationId: "thread.support.list",
          ...access("Read", "thread"),
        },
      },
    )
    .post(
      "/:id/support-access",
      async ({ principal, params, request, set }) => {
        await owned(principal, params.id);
        const g = await grants.grant(params.id, principal.userId);
        await o.kit.audit(request, principal, {
          action: "thread.support_granted",
          targetType: "thread",
          targetId: params.id,
          detail: { expiresAt: g.expiresAt },
        });
        set.status = 201;
        return { threadId: params.id, isSharedWithSupport: true, expiresAt: g.expiresAt };
      },
      {
        auth: true,
        params: IdParams,
        response: {
          201: t.Object({ threadId: t.String(), isSharedWithSupport: t.Boolean(), expiresAt: t.String() }),
        },
        detail: {
          summary: "Let support staff read this thread for 31 days",
          operationId: "thread.support.grant",
          ...access("Share", "thread"),
        },
      },
    )
    .delete(
      "/:id/support-access",
      async ({ principal, params, request, set }) => {
        await owned(principal, params.id);
        if (!(await grants.revoke(params.id)))
          throw new HttpError(404, "NOT_FOUND", `thread ${params.id} is not shared with support`);
        await o.kit.audit(request, principal, {
          action: "thread.support_revoked",
          targetType: "thread",
          targetId: params.id,
        });
        set.status = 204;
      },
      {
        auth: true,
        params: IdParams,
        detail: {
          summary: "End support access to this thread",
          operationId: "thread.support.revoke",
          ...access("Share", "thread"),
        },
      },
    );
}
