/**
 * Finding the org (or team) a route acts on and asking the policy in one step: 404 when the caller
 * may not even read it (no hint it exists), else 403 with the policy's reason, audited as
 * `access.denied`. API keys never read or manage orgs.
 */
import { can } from "../access/policy.ts";
import type { Action, Resource } from "../access/subject.ts";
import type { Org } from "../accounts/orgs.ts";
import type { Team } from "../accounts/teams.ts";
import type { AuthKit } from "../auth/kit.ts";
import { type Principal, subjectOf } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";

export function orgGuard(kit: AuthKit) {
  const { orgs, teams } = kit.accounts;
  const check = async (p: Principal, request: Request, orgId: string, r: Resource, action: Action) => {
    const d = can(subjectOf(p), action, r);
    if (d.allow) return;
    await kit.audit(request, p, {
      action: "access.denied",
      targetType: r.type,
      targetId: r.type === "team" ? r.teamId : orgId,
      orgId,
      detail: { want: action, reason: d.reason },
    });
    throw new HttpError(403, "FORBIDDEN", d.reason);
  };
  const orgFor = async (p: Principal, request: Request, idOrSlug: string, action: Action): Promise<Org> => {
    if (p.via === "apikey") throw new HttpError(403, "FORBIDDEN", "API keys cannot read or manage orgs");
    const org = await orgs.get(idOrSlug);
    const resource: Resource = { type: "org", orgId: org?.id ?? "" };
    if (!org || !can(subjectOf(p), "Read", resource).allow)
      throw new HttpError(404, "NOT_FOUND", `org ${idOrSlug} not found`);
    await check(p, request, org.id, resource, action);
    return org;
  };
  /** The team `team` (id or slug) of the org if the caller may `action` it (team rules: org admins, maintainers). */
  const teamFor = async (
    p: Principal,
    request: Request,
    orgIdOrSlug: string,
    team: string,
    action: Action,
  ): Promise<{ org: Org; team: Team }> => {
    const org = await orgFor(p, request, orgIdOrSlug, "Read");
    const found = await teams.get(org.id, team);
    if (!found) throw new HttpError(404, "NOT_FOUND", `team ${team} not found in org ${org.slug}`);
    await check(p, request, org.id, { type: "team", orgId: org.id, teamId: found.id }, action);
    return { org, team: found };
  };
  /** The caller acting on their own account (joining an org): no API keys, no read-only auditors. */
  const selfWrite = async (p: Principal, request: Request, what: string) => {
    if (p.via === "apikey") throw new HttpError(403, "FORBIDDEN", `API keys cannot ${what}`);
    const d = can(subjectOf(p), "Write", { type: "user", userId: p.userId });
    if (d.allow) return;
    await kit.audit(request, p, {
      action: "access.denied",
      targetType: "user",
      targetId: p.userId,
      detail: { want: "Write", reason: d.reason },
    });
    throw new HttpError(403, "FORBIDDEN", d.reason);
  };
  return { orgFor, teamFor, selfWrite };
}
