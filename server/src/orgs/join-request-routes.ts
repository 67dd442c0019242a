/**
 * Join requests: a signed-in user asks to join an org by its slug (`POST /api/orgs/:org/join-requests`;
 * the one place a non-member names an org, so it tells whether the slug exists); the org's owners and
 * admins list the open requests and approve (the user joins as member) or deny them. Audited:
 * `org.join_request`, `org.join` (via join request), `org.join_denied`.
 */
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import type { AuthKit } from "../auth/kit.ts";
import { authPlugin } from "../auth/plugin.ts";
import { type PrincipalResolver, subjectOf } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import { orgGuard } from "./org-guard.ts";
import { OrgItemParams, OrgParams, Person } from "./schemas.ts";

const JoinRequest = t.Object({
  id: t.String(),
  orgId: t.String(),
  userId: t.String(),
  createdAt: t.String(),
  decision: t.Nullable(t.String()),
  decidedBy: t.Nullable(t.String()),
  decidedAt: t.Nullable(t.String()),
});

export function joinRequestRoutes(resolvers: PrincipalResolver[], kit: AuthKit) {
  const { orgFor, selfWrite } = orgGuard(kit);
  const { joinRequests, orgs } = kit.accounts;

  return new Elysia({ prefix: "/api/orgs/:org/join-requests", detail: { tags: ["orgs"] } })
    .use(authPlugin(resolvers))
    .post(
      "",
      async ({ principal, params, request, set }) => {
        await selfWrite(principal, request, "join orgs");
        const org = await orgs.get(params.org);
        if (!org) throw new HttpError(404, "NOT_FOUND", `org ${params.org} not found`);
        const s = subjectOf(principal);
        if (s.kind === "user" && s.orgs.some((m) => m.orgId === org.id))
          throw new HttpError(409, "CONFLICT", `you are already a member of ${org.slug}`);
        const { request: jr, created } = await joinRequests.create(org.id, principal.userId);
        if (created)
          await kit.audit(request, principal, {
            action: "org.join_request",
            targetType: "join_request",
            targetId: jr.id,
            orgId: org.id,
          });
        set.status = created ? 201 : 200;
        return jr;
      },
      {
        auth: true,
        params: OrgParams,
        response: { 200: JoinRequest, 201: JoinRequest },
        detail: {
          summary: "Ask to join an org (by its slug); asking again answers the open request",
          operationId: "org.joinRequests.create",
          ...access("Write", "user"),
        },
      },
    )
    .get(
      "",
      async ({ principal, params, request }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        return { items: await joinRequests.listOpen(org.id) };
      },
      {
        auth: true,
        params: OrgParams,
        response: t.Object({ items: t.Array(t.Composite([JoinRequest, Person])) }),
        detail: {
          summary: "Open join requests of an org",
          operationId: "org.joinRequests.list",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .post(
      "/:id",
      async ({ principal, params, body, request }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        const decision = body.decision === "approve" ? "approved" : "denied";
        const jr = await joinRequests.decide(org.id, params.id, decision, principal.userId);
        if (!jr) throw new HttpError(404, "NOT_FOUND", `open join request ${params.id} not found`);
        await kit.audit(request, principal, {
          action: decision === "approved" ? "org.join" : "org.join_denied",
          targetType: "user",
          targetId: jr.userId,
          orgId: org.id,
          detail: {
            via: "join_request",
            requestId: jr.id,
            ...(decision === "approved" ? { role: "member" } : {}),
          },
        });
        return jr;
      },
      {
        auth: true,
        params: OrgItemParams,
        body: t.Object({ decision: t.Union([t.Literal("approve"), t.Literal("deny")]) }),
        parse: "json",
        response: JoinRequest,
        detail: {
          summary: "Approve (joins as member) or deny a join request",
          operationId: "org.joinRequests.decide",
          ...access("ManageOrg", "org"),
        },
      },
    );
}
