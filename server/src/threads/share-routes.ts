/**
 * Share links of a thread (`/api/threads/:id/share-links`, the owner: Share) and the open route that
 * reads a thread through one (`/api/shared/:token`, no sign-in). A link is read-only: it reaches
 * only the thread's GET. It stops working when revoked, expired, when the thread is deleted, or when
 * its creator no longer owns the thread or is disabled. Create and revoke are audited.
 */
import { ThreadSchema } from "@loom/runtime/thread";
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { requireKeyScope } from "../access/key-scope.ts";
import { can } from "../access/policy.ts";
import { ANONYMOUS } from "../access/subject.ts";
import type { Accounts } from "../accounts/accounts.ts";
import type { AuthKit } from "../auth/kit.ts";
import { authPlugin } from "../auth/plugin.ts";
import type { Principal, PrincipalResolver } from "../auth/principal.ts";
import type { ThreadStoreApi } from "../db/backend.ts";
import { HttpError } from "../http-error.ts";
import { canAccessThread, threadResource } from "./policy.ts";
import { checkTimestamps } from "./routes.ts";

const IdParams = t.Object({ id: t.String({ pattern: "^T-[0-9a-f-]{36}$" }) });

const ShareLink = t.Object({
  id: t.String(),
  threadId: t.String(),
  createdBy: t.String(),
  createdAt: t.String(),
  expiresAt: t.Nullable(t.String()),
  revokedAt: t.Nullable(t.String()),
});

/** Where the web UI opens a link: the token is in the path, never sent anywhere else. */
export const sharePath = (token: string) => `/s/${token}`;

export function shareRoutes(o: {
  store: ThreadStoreApi;
  accounts: Pick<Accounts, "shareLinks" | "users">;
  resolvers: PrincipalResolver[];
  clock: () => Date;
  audit?: AuthKit["audit"];
}) {
  const links = o.accounts.shareLinks;
  const notFound = (id: string) => new HttpError(404, "NOT_FOUND", `thread ${id} not found`);
  /** The live thread when the caller may share it: 404 when they cannot read it, 403 when they only read it. */
  const shareable = async (p: Principal, id: string) => {
    requireKeyScope(p, "Share", "thread");
    const row = await o.store.get(id);
    if (!row || row.deletedAt || !canAccessThread(p, "thread.read", row)) throw notFound(id);
    if (!canAccessThread(p, "thread.share", row))
      throw new HttpError(403, "FORBIDDEN", "only the owner can share a thread");
    return row;
  };

  const owned = new Elysia({ prefix: "/api/threads", detail: { tags: ["threads"] } })
    .use(authPlugin(o.resolvers))
    .post(
      "/:id/share-links",
      async ({ principal, params, body, request, set }) => {
        const row = await shareable(principal, params.id);
        const expiresAt = body.expiresAt ?? null;
        if (expiresAt !== null) {
          checkTimestamps({ createdAt: expiresAt, updatedAt: expiresAt });
          if (Date.parse(expiresAt) <= o.clock().getTime())
            throw new HttpError(400, "INVALID_INPUT", "body /expiresAt: must be in the future");
        }
        const link = await links.create({
          threadId: row.id,
          createdBy: principal.userId,
          expiresAt: expiresAt === null ? null : new Date(expiresAt).toISOString(),
        });
        await o.audit?.(request, principal, {
          action: "thread.share",
          targetType: "thread",
          targetId: row.id,
          orgId: row.orgId ?? null,
          detail: { linkId: link.id, expiresAt: link.expiresAt },
        });
        set.status = 201;
        return { ...link, path: sharePath(link.token) };
      },
      {
        auth: true,
        params: IdParams,
        body: t.Object({
          /** ISO 8601 instant after which the link stops working; absent or null: until revoked. */
          expiresAt: t.Optional(t.Nullable(t.String({ maxLength: 40 }))),
        }),
        parse: "json",
        response: {
          201: t.Composite([ShareLink, t.Object({ token: t.String(), path: t.String() })]),
        },
        detail: {
          summary: "Create a read-only share link (the token is answered once)",
          operationId: "thread.shareLinks.create",
          ...access("Share", "thread"),
        },
      },
    )
    .get(
      "/:id/share-links",
      async ({ principal, params }) => {
        const row = await shareable(principal, params.id);
        return { items: await links.list(row.id) };
      },
      {
        auth: true,
        params: IdParams,
        response: t.Object({ items: t.Array(ShareLink) }),
        detail: {
          summary: "A thread's share links (live, expired and revoked; never the tokens)",
          operationId: "thread.shareLinks.list",
          ...access("Share", "thread"),
        },
      },
    )
    .delete(
      "/:id/share-links/:linkId",
      async ({ principal, params, request, set }) => {
        const row = await shareable(principal, params.id);
        if (!(await links.revoke(row.id, params.linkId)))
          throw new HttpError(404, "NOT_FOUND", `share link ${params.linkId} not found or already revoked`);
        await o.audit?.(request, principal, {
          action: "thread.share_revoked",
          targetType: "thread",
          targetId: row.id,
          orgId: row.orgId ?? null,
          detail: { linkId: params.linkId },
        });
        set.status = 204;
      },
      {
        auth: true,
        params: t.Object({ id: IdParams.properties.id, linkId: t.String({ maxLength: 100 }) }),
        detail: {
          summary: "Revoke a share link",
          operationId: "thread.shareLinks.revoke",
          ...access("Share", "thread"),
        },
      },
    );

  const open = new Elysia({ prefix: "/api/shared", detail: { tags: ["threads"] } }).get(
    "/:token",
    async ({ params }) => {
      const gone = new HttpError(404, "NOT_FOUND", "this share link is unknown, expired or revoked");
      const link = await links.find(params.token);
      if (!link) throw gone;
      const row = await o.store.get(link.threadId);
      if (!row || row.deletedAt || row.ownerId !== link.createdBy) throw gone;
      const creator = await o.accounts.users.get(link.createdBy);
      if (!creator || creator.disabledAt) throw gone;
      // The one policy decides, as for any reader: anonymous, holding a live link for this thread.
      if (!can(ANONYMOUS, "Read", { ...threadResource(row), viaShareLink: true }).allow) throw gone;
      return new Response(row.body, {
        headers: {
          "content-type": "application/json",
          "cache-control": "no-store",
          "referrer-policy": "no-referrer",
          "x-robots-tag": "noindex",
        },
      });
    },
    {
      params: t.Object({ token: t.String({ maxLength: 100 }) }),
      response: { 200: ThreadSchema },
      detail: {
        summary: "Read a thread through a share link (no sign-in)",
        operationId: "thread.shared.get",
        security: [],
        ...access("Read", "thread"),
      },
    },
  );

  return new Elysia({ name: "loom.threads.share" }).use(owned).use(open);
}
