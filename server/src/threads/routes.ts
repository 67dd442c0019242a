/**
 * `/api/threads…`: CRUD with If-Match, paging, search, visibility, and `/events` (SSE of committed
 * writes, across replicas on Postgres). Bodies use the shared ThreadSchema.
 */

import { encodeSse } from "@loom/runtime/sync/sse";
import { ThreadSchema, Visibility } from "@loom/runtime/thread";
import { Type } from "@sinclair/typebox";
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { requireKeyScope } from "../access/key-scope.ts";
import { can } from "../access/policy.ts";
import { ANONYMOUS } from "../access/subject.ts";
import type { AuthKit } from "../auth/kit.ts";
import { authPlugin, resolvePrincipal } from "../auth/plugin.ts";
import { type Principal, type PrincipalResolver, subjectOf } from "../auth/principal.ts";
import type { ThreadEvents, ThreadStoreApi } from "../db/backend.ts";
import { HttpError } from "../http-error.ts";
import { sseSubscription } from "../sse-subscription.ts";
import { canAccessThread, type ThreadAction, threadResource } from "./policy.ts";

/**
 * Versions in responses are typebox's plain integer: Elysia's `t.Integer` is a transform (it also takes
 * numeric strings, for query input), which made every response pass through an encode walk.
 */
const Version = Type.Integer();

const ThreadSummary = t.Object({
  id: t.String(),
  version: Version,
  title: t.Nullable(t.String()),
  workspace: t.String(),
  visibility: t.String(),
  ownerId: t.String(),
  createdAt: t.String(),
  updatedAt: t.String(),
  orgId: t.Nullable(t.String()),
  teamId: t.Nullable(t.String()),
});

/** How long an event stream trusts the subject it last built from the request's credential. */
const SUBJECT_TTL_MS = 1000;

const WriteResult = t.Object({ id: t.String(), version: Version, updatedAt: t.String() });

const IdParams = t.Object({ id: t.String({ pattern: "^T-[0-9a-f-]{36}$" }) });

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Timestamps order the list and decide sync conflicts, so they must be real ISO 8601 instants:
 * `"yesterday"` would sort above every real date forever.
 */
export function checkTimestamps(t: { createdAt: string; updatedAt: string; deletedAt?: string }): void {
  for (const [field, v] of [
    ["createdAt", t.createdAt],
    ["updatedAt", t.updatedAt],
    ["deletedAt", t.deletedAt],
  ] as const) {
    if (v === undefined) continue;
    if (!ISO.test(v) || Number.isNaN(Date.parse(v)))
      throw new HttpError(
        400,
        "INVALID_INPUT",
        `body /${field}: expected an ISO 8601 timestamp, got "${v.slice(0, 40)}"`,
      );
  }
}

/** `If-Match: 3`, `"3"` or `W/"3"` → 3. */
export function parseIfMatch(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === "") return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(v);
  if (!m?.[1]) throw new HttpError(400, "INVALID_INPUT", "If-Match must be a thread version number");
  return Number(m[1]);
}

const isSupport = (p: Principal) => {
  const s = subjectOf(p);
  return s.kind === "user" && s.roles.includes("support");
};

/** The owner may share only with an org (and a team of it) they belong to. */
function checkScope(p: Principal, orgId: string | null, teamId: string | null) {
  const s = subjectOf(p);
  if (orgId === null) return { orgId: null, teamId: null };
  if (s.kind !== "user" || !s.orgs.some((m) => m.orgId === orgId))
    throw new HttpError(403, "FORBIDDEN", `you are not a member of org ${orgId}`);
  if (teamId !== null && !s.teams.some((t) => t.teamId === teamId && t.orgId === orgId))
    throw new HttpError(403, "FORBIDDEN", `you are not a member of team ${teamId} in org ${orgId}`);
  return { orgId, teamId };
}

export function threadRoutes(opts: {
  store: ThreadStoreApi;
  events: ThreadEvents;
  resolvers: PrincipalResolver[];
  clock: () => Date;
  /** SSE comment line interval keeping idle event streams open through proxies (ms). */
  heartbeatMs?: number;
  /** Appends an audit event (visibility changes). */
  audit?: AuthKit["audit"];
  /** Whether the thread's owner granted support staff access now (`support-routes.ts`). */
  supportAccess?: (threadId: string) => Promise<boolean>;
}) {
  const { store } = opts;
  const notFound = (id: string) => new HttpError(404, "NOT_FOUND", `thread ${id} not found`);
  /** The live thread `id` if `principal` may do `action` on it; otherwise 404 (no hint it exists). */
  const accessible = async (principal: Principal, action: ThreadAction, id: string) => {
    requireKeyScope(principal, action === "thread.delete" ? "Delete" : "Read", "thread");
    const row = await store.get(id);
    if (!row || row.deletedAt) throw notFound(id);
    // Support grants are looked up only for support staff reading: nobody else gains from one.
    const support = action === "thread.read" && isSupport(principal) && (await opts.supportAccess?.(id));
    if (!canAccessThread(principal, action, { ...row, sharedWithSupport: support === true }))
      throw notFound(id);
    return row;
  };

  const publicThread = async (id: string) => {
    const row = await store.get(id);
    if (!row || row.deletedAt || !can(ANONYMOUS, "Read", threadResource(row)).allow)
      throw new HttpError(
        401,
        "UNAUTHORIZED",
        "missing credentials: send Authorization: Bearer lt_…",
        undefined,
        {
          "www-authenticate": 'Bearer realm="loom"',
        },
      );
    return row;
  };

  return new Elysia({ prefix: "/api/threads", detail: { tags: ["threads"] } })
    .use(authPlugin(opts.resolvers))
    .get(
      "",
      async ({ principal, query }) => {
        requireKeyScope(principal, "Read", "thread");
        const page = await store.list(principal, {
          limit: query.limit ?? 50,
          cursor: query.cursor,
          workspace: query.workspace,
          visibility: query.visibility,
          repo: query.repo,
        });
        if (!page) throw new HttpError(400, "INVALID_INPUT", "cursor is not one this server issued");
        // The store's filter is the coarse one (owner or shared); the policy has the last word (orgs,
        // teams, API keys), so a page may hold fewer items than `limit`; the cursor stays right.
        return { ...page, items: page.items.filter((i) => canAccessThread(principal, "thread.read", i)) };
      },
      {
        auth: true,
        query: t.Object({
          limit: t.Optional(t.Integer({ minimum: 1, maximum: 200 })),
          cursor: t.Optional(t.String({ maxLength: 512 })),
          workspace: t.Optional(t.String()),
          visibility: t.Optional(Visibility),
          /** The git remote the thread was written in (`git.remote`). */
          repo: t.Optional(t.String({ maxLength: 2000 })),
        }),
        response: t.Object({ items: t.Array(ThreadSummary), nextCursor: t.Nullable(t.String()) }),
        detail: {
          summary: "List threads, newest first",
          operationId: "thread.list",
          ...access("Read", "thread"),
        },
      },
    )
    .get(
      "/events",
      ({ principal, request }) => {
        requireKeyScope(principal, "Read", "thread");
        return sseSubscription(request, {
          heartbeat: () => ": keep-alive\n\n",
          heartbeatMs: opts.heartbeatMs ?? 15_000,
          start: ({ send, close }) => {
            // Each event is judged by the policy on the thread's owner, org and team as written, so an
            // org thread reaches only those who may read it (not even its id goes to anyone else). The
            // subject is rebuilt from the credential when older than a second (memberships change,
            // sessions end); events stay in order through one chain; a credential gone ends the stream.
            let current = { principal, at: opts.clock().getTime() };
            const subject = async () => {
              if (opts.clock().getTime() - current.at < SUBJECT_TTL_MS) return current.principal;
              const p = await resolvePrincipal(opts.resolvers, request);
              current = { principal: p ?? principal, at: opts.clock().getTime() };
              return p;
            };
            let chain = Promise.resolve();
            const unsubscribe = opts.events.subscribe((e) => {
              chain = chain.then(async () => {
                const p = await subject().catch(() => undefined);
                if (!p) return close();
                if (!canAccessThread(p, "thread.read", e)) return;
                const { ownerId: _o, orgId: _g, teamId: _t, ...event } = e;
                send(encodeSse("thread.updated", event));
              });
            });
            // First bytes at once: the client knows it is subscribed before any write.
            send(": subscribed\n\n");
            return unsubscribe;
          },
        });
      },
      {
        auth: true,
        detail: {
          summary: "Committed thread writes the caller may read, as SSE `thread.updated` events",
          operationId: "thread.events",
          ...access("Read", "thread"),
        },
      },
    )
    .get(
      "/search",
      async ({ principal, query }) => {
        requireKeyScope(principal, "Read", "thread");
        const found = await store.search(principal, query.q, query.limit ?? 20);
        return { items: found.filter((i) => canAccessThread(principal, "thread.read", i)) };
      },
      {
        auth: true,
        query: t.Object({
          q: t.String({ minLength: 1, maxLength: 500 }),
          limit: t.Optional(t.Integer({ minimum: 1, maximum: 100 })),
        }),
        response: t.Object({ items: t.Array(t.Composite([ThreadSummary, t.Object({ rank: t.Number() })])) }),
        detail: {
          summary: "Full-text search (bm25, then recency)",
          operationId: "thread.search",
          ...access("Read", "thread"),
        },
      },
    )
    .get(
      "/:id",
      async ({ principal, params }) => {
        // Signed out: only a public thread (anything else is the same 401, so nothing is revealed).
        const row = principal
          ? await accessible(principal, "thread.read", params.id)
          : await publicThread(params.id);
        // The stored body was validated on the way in; it goes out as stored.
        return new Response(row.body, {
          headers: { "content-type": "application/json", etag: `"${row.version}"` },
        });
      },
      {
        optionalAuth: true,
        params: IdParams,
        response: { 200: ThreadSchema },
        detail: {
          summary: "Get a thread (a public one without credentials)",
          operationId: "thread.get",
          ...access("Read", "thread"),
        },
      },
    )
    .put(
      "/:id",
      async ({ principal, params, body, headers, set }) => {
        if (body.id !== params.id)
          throw new HttpError(400, "INVALID_INPUT", "body id does not match the path");
        if (body.isPrivate) throw new HttpError(400, "INVALID_INPUT", "private threads are never synced");
        checkTimestamps(body);
        requireKeyScope(principal, "Write", "thread");
        const subject = subjectOf(principal);
        const facts = {
          ownerId: principal.userId,
          visibility: body.visibility,
          orgId: subject.kind === "apikey" ? subject.orgId : null,
        };
        if (!canAccessThread(principal, "thread.write", facts))
          throw new HttpError(403, "FORBIDDEN", "not allowed to write threads with these credentials");
        // A key writes only threads of its own org: an existing thread is judged where it is.
        if (subject.kind === "apikey") {
          const cur = await store.get(params.id);
          if (cur && !cur.deletedAt && !canAccessThread(principal, "thread.write", cur))
            throw new HttpError(403, "FORBIDDEN", `thread ${params.id} is outside the API key's org`);
        }
        const out = await store.put(principal, body, parseIfMatch(headers["if-match"]));
        switch (out.kind) {
          case "forbidden":
            throw new HttpError(403, "FORBIDDEN", `thread ${params.id} belongs to another user`);
          case "precondition_required":
            throw new HttpError(
              428,
              "PRECONDITION_REQUIRED",
              "thread exists: send If-Match with its version",
              {
                version: out.currentVersion,
              },
            );
          case "conflict":
            throw new HttpError(412, "CONFLICT", `version mismatch: server has ${out.currentVersion}`, {
              version: out.currentVersion,
            });
          case "created":
          case "updated":
            set.status = out.kind === "created" ? 201 : 200;
            set.headers.etag = `"${out.thread.version}"`;
            return { id: out.thread.id, version: out.thread.version, updatedAt: out.thread.updatedAt };
          default: {
            const never: never = out;
            return never;
          }
        }
      },
      {
        auth: true,
        params: IdParams,
        body: ThreadSchema,
        parse: "json",
        headers: t.Object({ "if-match": t.Optional(t.String()) }),
        response: { 200: WriteResult, 201: WriteResult },
        detail: {
          summary: "Create or update a thread (If-Match: version)",
          operationId: "thread.put",
          ...access("Write", "thread"),
        },
      },
    )
    .delete(
      "/:id",
      async ({ principal, params, set }) => {
        await accessible(principal, "thread.delete", params.id);
        await store.softDelete(params.id, opts.clock());
        set.status = 204;
      },
      {
        auth: true,
        params: IdParams,
        detail: {
          summary: "Delete a thread (soft)",
          operationId: "thread.delete",
          ...access("Delete", "thread"),
        },
      },
    )
    .post(
      "/:id/visibility",
      async ({ principal, params, body, request }) => {
        const row = await accessible(principal, "thread.read", params.id);
        if (!canAccessThread(principal, "thread.share", row)) {
          throw new HttpError(403, "FORBIDDEN", "only the owner can change visibility");
        }
        const scope =
          body.orgId === undefined ? undefined : checkScope(principal, body.orgId, body.teamId ?? null);
        const updated = await store.setVisibility(params.id, body.visibility, scope);
        if (!updated) throw notFound(params.id);
        await opts.audit?.(request, principal, {
          action: "thread.visibility",
          targetType: "thread",
          targetId: params.id,
          orgId: scope?.orgId ?? row.orgId ?? null,
          detail: { from: row.visibility, to: body.visibility, ...(scope ? { teamId: scope.teamId } : {}) },
        });
        const { thread } = updated;
        return { id: thread.id, version: thread.version, visibility: thread.visibility };
      },
      {
        auth: true,
        params: IdParams,
        body: t.Object({
          visibility: Visibility,
          /** Share with this org (and team): the owner must be a member of both; null: server-wide. */
          orgId: t.Optional(t.Nullable(t.String({ maxLength: 100 }))),
          teamId: t.Optional(t.Nullable(t.String({ maxLength: 100 }))),
        }),
        parse: "json",
        response: t.Object({ id: t.String(), version: Version, visibility: Visibility }),
        detail: {
          summary: "Change who can see a thread",
          operationId: "thread.visibility",
          ...access("Share", "thread"),
        },
      },
    );
}
