/**
 * `/api/orgs`: create and list orgs, members (add, change role, remove, leave), org API keys
 * (`lk_…`, shown once) and the org's audit log. Every change is audited; removal takes effect on the
 * member's next request. Teams, invitations and join requests: `team-routes.ts`,
 * `invitation-routes.ts`, `join-request-routes.ts`.
 */
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { can } from "../access/policy.ts";
import { SCOPES, type Scope } from "../access/subject.ts";
import type { AuthKit } from "../auth/kit.ts";
import { authPlugin } from "../auth/plugin.ts";
import { type PrincipalResolver, subjectOf } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import { orgGuard } from "./org-guard.ts";
import { Org, OrgItemParams, OrgParams, OrgUserParams, Person, OrgRoleT as Role, Slug } from "./schemas.ts";

const ScopeT = t.Union(SCOPES.map((s) => t.Literal(s)) as [ReturnType<typeof t.Literal<Scope>>]);
const ApiKey = t.Object({
  id: t.String(),
  orgId: t.String(),
  name: t.String(),
  scopes: t.Array(t.String()),
  createdBy: t.String(),
  createdAt: t.String(),
  lastUsedAt: t.Nullable(t.String()),
  revokedAt: t.Nullable(t.String()),
});

export function orgRoutes(resolvers: PrincipalResolver[], kit: AuthKit) {
  const { orgs, apiKeys } = kit.accounts;
  const { orgFor } = orgGuard(kit);

  return new Elysia({ prefix: "/api/orgs", detail: { tags: ["orgs"] } })
    .use(authPlugin(resolvers))
    .post(
      "",
      async ({ principal, body, request, set }) => {
        const d = can(subjectOf(principal), "Write", { type: "server" });
        if (!d.allow || principal.via === "apikey")
          throw new HttpError(403, "FORBIDDEN", d.allow ? "API keys cannot create orgs" : d.reason);
        const org = await orgs.create({
          slug: body.slug,
          name: body.name ?? body.slug,
          owner: principal.userId,
        });
        if (!org) throw new HttpError(409, "CONFLICT", `org slug ${body.slug} is taken`);
        await kit.audit(request, principal, {
          action: "org.create",
          targetType: "org",
          targetId: org.id,
          orgId: org.id,
        });
        set.status = 201;
        return org;
      },
      {
        auth: true,
        body: t.Object({
          slug: Slug,
          name: t.Optional(t.String({ minLength: 1, maxLength: 100 })),
        }),
        parse: "json",
        response: { 201: Org },
        detail: {
          summary: "Create an org (you become its owner)",
          operationId: "org.create",
          ...access("Write", "server"),
        },
      },
    )
    .get(
      "",
      async ({ principal }) => {
        if (principal.via === "apikey")
          throw new HttpError(403, "FORBIDDEN", "API keys cannot read or manage orgs");
        return { items: await orgs.listForUser(principal.userId) };
      },
      {
        auth: true,
        response: t.Object({ items: t.Array(t.Composite([Org, t.Object({ role: t.String() })])) }),
        detail: { summary: "My orgs", operationId: "org.list", ...access("Read", "org") },
      },
    )
    .get(
      "/:org/members",
      async ({ principal, params, request }) => {
        const org = await orgFor(principal, request, params.org, "Read");
        return { items: await orgs.members(org.id) };
      },
      {
        auth: true,
        params: OrgParams,
        response: t.Object({
          items: t.Array(t.Composite([Person, t.Object({ role: t.String(), createdAt: t.String() })])),
        }),
        detail: { summary: "Members of an org", operationId: "org.members.list", ...access("Read", "org") },
      },
    )
    .put(
      "/:org/members/:user",
      async ({ principal, params, body, request }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        if (!(await kit.accounts.users.get(params.user)))
          throw new HttpError(404, "NOT_FOUND", `user ${params.user} not found`);
        // Demoting the last owner would leave an org nobody can fully manage (as leaving would).
        const current = (await orgs.members(org.id)).find((m) => m.userId === params.user);
        if (current?.role === "owner" && body.role !== "owner" && (await orgs.owners(org.id)) === 1)
          throw new HttpError(
            400,
            "INVALID_INPUT",
            "the last owner cannot be demoted: make someone else owner first",
          );
        await orgs.setMember(org.id, params.user, body.role);
        await kit.audit(request, principal, {
          action: "org.member_set",
          targetType: "user",
          targetId: params.user,
          orgId: org.id,
          detail: { role: body.role },
        });
        return { orgId: org.id, userId: params.user, role: body.role };
      },
      {
        auth: true,
        params: OrgUserParams,
        body: t.Object({ role: Role }),
        parse: "json",
        detail: {
          summary: "Add a member or change their role",
          operationId: "org.members.set",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .delete(
      "/:org/members/:user",
      async ({ principal, params, request, set }) => {
        const leaving = params.user === principal.userId && principal.via !== "apikey";
        const org = await orgFor(principal, request, params.org, leaving ? "Read" : "ManageOrg");
        const members = await orgs.members(org.id);
        const target = members.find((m) => m.userId === params.user);
        if (!target) throw new HttpError(404, "NOT_FOUND", `${params.user} is not a member`);
        if (target.role === "owner" && (await orgs.owners(org.id)) === 1)
          throw new HttpError(400, "INVALID_INPUT", "the last owner cannot leave or be removed");
        await orgs.removeMember(org.id, params.user);
        await kit.audit(request, principal, {
          action: leaving ? "org.leave" : "org.member_removed",
          targetType: "user",
          targetId: params.user,
          orgId: org.id,
        });
        set.status = 204;
      },
      {
        auth: true,
        params: OrgUserParams,
        detail: {
          summary: "Remove a member (or leave, for yourself)",
          operationId: "org.members.remove",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .get(
      "/:org/audit",
      async ({ principal, params, request, query }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        return kit.accounts.audit.query({
          orgId: org.id,
          actorId: query.actor,
          action: query.action,
          limit: query.limit ?? 50,
          cursor: query.cursor,
        });
      },
      {
        auth: true,
        params: OrgParams,
        query: t.Object({
          actor: t.Optional(t.String({ maxLength: 100 })),
          action: t.Optional(t.String({ maxLength: 100 })),
          limit: t.Optional(t.Integer({ minimum: 1, maximum: 200 })),
          cursor: t.Optional(t.String({ maxLength: 100 })),
        }),
        response: t.Object({
          items: t.Array(
            t.Object({
              id: t.String(),
              at: t.String(),
              action: t.String(),
              actorId: t.Nullable(t.String()),
              impersonatorId: t.Nullable(t.String()),
              targetType: t.Nullable(t.String()),
              targetId: t.Nullable(t.String()),
              orgId: t.Nullable(t.String()),
              ip: t.Nullable(t.String()),
              detail: t.Record(t.String(), t.Unknown()),
            }),
          ),
          nextCursor: t.Nullable(t.String()),
        }),
        detail: {
          summary: "The org's audit log, newest first, by actor and action (owners and admins)",
          operationId: "org.audit",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .post(
      "/:org/api-keys",
      async ({ principal, params, body, request, set }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        if (principal.via === "apikey")
          throw new HttpError(403, "FORBIDDEN", "API keys cannot make API keys");
        const made = await apiKeys.create({
          orgId: org.id,
          name: body.name,
          scopes: body.scopes,
          createdBy: principal.userId,
        });
        await kit.audit(request, principal, {
          action: "apikey.create",
          targetType: "apikey",
          targetId: made.id,
          orgId: org.id,
          detail: { scopes: made.scopes },
        });
        set.status = 201;
        return made;
      },
      {
        auth: true,
        params: OrgParams,
        body: t.Object({
          name: t.String({ minLength: 1, maxLength: 100 }),
          scopes: t.Array(ScopeT, { minItems: 1 }),
        }),
        parse: "json",
        response: { 201: t.Composite([ApiKey, t.Object({ key: t.String() })]) },
        detail: {
          summary: "Create an org API key (the key is shown once)",
          operationId: "org.apikeys.create",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .get(
      "/:org/api-keys",
      async ({ principal, params, request }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        return { items: await apiKeys.list(org.id) };
      },
      {
        auth: true,
        params: OrgParams,
        response: t.Object({ items: t.Array(ApiKey) }),
        detail: {
          summary: "An org's API keys (never the secrets)",
          operationId: "org.apikeys.list",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .delete(
      "/:org/api-keys/:id",
      async ({ principal, params, request, set }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        const key = await apiKeys.get(params.id);
        if (!key || key.orgId !== org.id || !(await apiKeys.revoke(key.id)))
          throw new HttpError(404, "NOT_FOUND", `API key ${params.id} not found`);
        await kit.audit(request, principal, {
          action: "apikey.revoke",
          targetType: "apikey",
          targetId: key.id,
          orgId: org.id,
        });
        set.status = 204;
      },
      {
        auth: true,
        params: OrgItemParams,
        detail: {
          summary: "Revoke an org API key",
          operationId: "org.apikeys.revoke",
          ...access("ManageOrg", "org"),
        },
      },
    );
}
