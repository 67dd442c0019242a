/**
 * `/api/orgs/:org/teams`: teams of an org and their members (maintainer/member). Org owners and
 * admins create and delete teams; they and the team's maintainers add, change and remove members;
 * every org member reads teams and their members. Only org members join a team. Membership changes
 * are audited and take effect on the next request (subjects are built per request).
 */
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import type { AuthKit } from "../auth/kit.ts";
import { authPlugin } from "../auth/plugin.ts";
import type { PrincipalResolver } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import { orgGuard } from "./org-guard.ts";
import { OrgParams, Person, Slug, TeamRoleT } from "./schemas.ts";

const Team = t.Object({
  id: t.String(),
  orgId: t.String(),
  slug: t.String(),
  name: t.String(),
  createdAt: t.String(),
});
const TeamParams = t.Object({ org: t.String({ maxLength: 100 }), team: t.String({ maxLength: 100 }) });
const MemberParams = t.Object({
  org: t.String({ maxLength: 100 }),
  team: t.String({ maxLength: 100 }),
  user: t.String({ maxLength: 100 }),
});

export function teamRoutes(resolvers: PrincipalResolver[], kit: AuthKit) {
  const { orgFor, teamFor } = orgGuard(kit);
  const { teams, orgs } = kit.accounts;

  return new Elysia({ prefix: "/api/orgs/:org/teams", detail: { tags: ["teams"] } })
    .use(authPlugin(resolvers))
    .post(
      "",
      async ({ principal, params, body, request, set }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        const team = await teams.create({ orgId: org.id, slug: body.slug, name: body.name ?? body.slug });
        if (!team) throw new HttpError(409, "CONFLICT", `org ${org.slug} already has a team ${body.slug}`);
        await kit.audit(request, principal, {
          action: "team.create",
          targetType: "team",
          targetId: team.id,
          orgId: org.id,
          detail: { slug: team.slug },
        });
        set.status = 201;
        return team;
      },
      {
        auth: true,
        params: OrgParams,
        body: t.Object({ slug: Slug, name: t.Optional(t.String({ minLength: 1, maxLength: 100 })) }),
        parse: "json",
        response: { 201: Team },
        detail: {
          summary: "Create a team in an org",
          operationId: "team.create",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .get(
      "",
      async ({ principal, params, request }) => {
        const org = await orgFor(principal, request, params.org, "Read");
        return { items: await teams.list(org.id) };
      },
      {
        auth: true,
        params: OrgParams,
        response: t.Object({ items: t.Array(t.Composite([Team, t.Object({ members: t.Number() })])) }),
        detail: { summary: "Teams of an org", operationId: "team.list", ...access("Read", "org") },
      },
    )
    .delete(
      "/:team",
      async ({ principal, params, request, set }) => {
        const { org, team } = await teamFor(principal, request, params.org, params.team, "Delete");
        await teams.remove(team.id);
        await kit.audit(request, principal, {
          action: "team.delete",
          targetType: "team",
          targetId: team.id,
          orgId: org.id,
          detail: { slug: team.slug },
        });
        set.status = 204;
      },
      {
        auth: true,
        params: TeamParams,
        detail: {
          summary: "Delete a team (its memberships go with it)",
          operationId: "team.delete",
          ...access("Delete", "team"),
        },
      },
    )
    .get(
      "/:team/members",
      async ({ principal, params, request }) => {
        const { team } = await teamFor(principal, request, params.org, params.team, "Read");
        return { items: await teams.members(team.id) };
      },
      {
        auth: true,
        params: TeamParams,
        response: t.Object({
          items: t.Array(t.Composite([Person, t.Object({ role: t.String(), createdAt: t.String() })])),
        }),
        detail: { summary: "Members of a team", operationId: "team.members.list", ...access("Read", "team") },
      },
    )
    .put(
      "/:team/members/:user",
      async ({ principal, params, body, request }) => {
        const { org, team } = await teamFor(principal, request, params.org, params.team, "ManageOrg");
        const inOrg = (await orgs.members(org.id)).some((m) => m.userId === params.user);
        if (!inOrg)
          throw new HttpError(400, "INVALID_INPUT", `${params.user} is not a member of org ${org.slug}`);
        await teams.setMember(team.id, params.user, body.role);
        await kit.audit(request, principal, {
          action: "team.member_set",
          targetType: "user",
          targetId: params.user,
          orgId: org.id,
          detail: { teamId: team.id, role: body.role },
        });
        return { teamId: team.id, userId: params.user, role: body.role };
      },
      {
        auth: true,
        params: MemberParams,
        body: t.Object({ role: TeamRoleT }),
        parse: "json",
        response: t.Object({ teamId: t.String(), userId: t.String(), role: t.String() }),
        detail: {
          summary: "Add a team member or change their role (maintainer/member)",
          operationId: "team.members.set",
          ...access("ManageOrg", "team"),
        },
      },
    )
    .delete(
      "/:team/members/:user",
      async ({ principal, params, request, set }) => {
        const leaving = params.user === principal.userId && principal.via !== "apikey";
        const { org, team } = await teamFor(
          principal,
          request,
          params.org,
          params.team,
          leaving ? "Read" : "ManageOrg",
        );
        if (!(await teams.removeMember(team.id, params.user)))
          throw new HttpError(404, "NOT_FOUND", `${params.user} is not a member of team ${team.slug}`);
        await kit.audit(request, principal, {
          action: leaving ? "team.leave" : "team.member_removed",
          targetType: "user",
          targetId: params.user,
          orgId: org.id,
          detail: { teamId: team.id },
        });
        set.status = 204;
      },
      {
        auth: true,
        params: MemberParams,
        detail: {
          summary: "Remove a team member (or leave, for yourself)",
          operationId: "team.members.remove",
          ...access("ManageOrg", "team"),
        },
      },
    );
}
