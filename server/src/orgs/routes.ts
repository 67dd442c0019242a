/**
 * `/api/orgs`: create and list orgs, members (add, change role, remove, leave) and org API keys
 * (`lk_…`, shown once). Every change is audited; removal takes effect on the member's next request.
 */
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { can } from "../access/policy.ts";
import { type Action, ORG_ROLES, type OrgRole, SCOPES, type Scope } from "../access/subject.ts";
import type { AuthKit } from "../auth/kit.ts";
import { authPlugin } from "../auth/plugin.ts";
import { type Principal, type PrincipalResolver, subjectOf } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import { orgFor as orgForKit } from "./org-for.ts";

const Org = t.Object({
  id: t.String(),
  slug: t.String(),
  name: t.String(),
  createdAt: t.String(),
  createdBy: t.String(),
});
const OrgParams = t.Object({ org: t.String({ maxLength: 100 }) });
const Role = t.Union(ORG_ROLES.map((r) => t.Literal(r)) as [ReturnType<typeof t.Literal<OrgRole>>]);
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
  /** The org if the principal may `action` it: 404 when they may not even read it, else 403. */
  const orgFor = (p: Principal, request: Request, idOrSlug: string, action: Action) =>
    orgForKit(kit, p, request, idOrSlug, action);

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
          slug: t.String({ pattern: "^[a-z0-9][a-z0-9-]{0,38}$" }),
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
        detail: { summary: "Members of an org", operationId: "org.members.list", ...access("Read", "org") },
      },
    )
    .put(
      "/:org/members/:user",
      async ({ principal, params, body, request }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        if (!(await kit.accounts.users.get(params.user)))
          throw new HttpError(404, "NOT_FOUND", `user ${params.user} not found`);
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
        params: t.Object({ org: t.String({ maxLength: 100 }), user: t.String({ maxLength: 100 }) }),
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
        params: t.Object({ org: t.String({ maxLength: 100 }), user: t.String({ maxLength: 100 }) }),
        detail: {
          summary: "Remove a member (or leave, for yourself)",
          operationId: "org.members.remove",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .post(
      "/:org/invitations",
      async ({ principal, params, body, request, set }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        const inv = await kit.accounts.invitations.create({
          orgId: org.id,
          email: body.email,
          role: body.role ?? "member",
          invitedBy: principal.userId,
        });
        await kit.audit(request, principal, {
          action: "org.invite",
          targetType: "invitation",
          targetId: inv.id,
          orgId: org.id,
          detail: { email: inv.email, role: inv.role },
        });
        set.status = 201;
        // Sent by mail once SMTP is configured; until then the inviter passes the token on.
        return { id: inv.id, email: inv.email, role: inv.role, expiresAt: inv.expiresAt, token: inv.token };
      },
      {
        auth: true,
        params: OrgParams,
        body: t.Object({ email: t.String({ format: "email", maxLength: 320 }), role: t.Optional(Role) }),
        parse: "json",
        detail: {
          summary: "Invite an e-mail address to the org (7 days, single use)",
          operationId: "org.invitations.create",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .post(
      "/invitations/accept",
      async ({ principal, body, request }) => {
        if (principal.via === "apikey") throw new HttpError(403, "FORBIDDEN", "API keys cannot join orgs");
        const user = await kit.accounts.users.get(principal.userId);
        const inv = user && (await kit.accounts.invitations.accept(body.token, user));
        if (!inv)
          throw new HttpError(
            404,
            "NOT_FOUND",
            "invitation not found, used, expired, or for another e-mail address",
          );
        await kit.audit(request, principal, {
          action: "org.join",
          targetType: "invitation",
          targetId: inv.id,
          orgId: inv.orgId,
          detail: { role: inv.role },
        });
        return { orgId: inv.orgId, role: inv.role };
      },
      {
        auth: true,
        body: t.Object({ token: t.String({ maxLength: 200 }) }),
        parse: "json",
        detail: {
          summary: "Accept an invitation (signed in with the invited e-mail)",
          operationId: "org.invitations.accept",
          ...access("Write", "user"),
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
        params: t.Object({ org: t.String({ maxLength: 100 }), id: t.String({ maxLength: 100 }) }),
        detail: {
          summary: "Revoke an org API key",
          operationId: "org.apikeys.revoke",
          ...access("ManageOrg", "org"),
        },
      },
    );
}
