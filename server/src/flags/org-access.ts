/**
 * The org a flag route acts on, if the principal may: 404 when they cannot even read it (no hint it
 * exists), 403 with the policy's reason otherwise (audited as `access.denied`). API keys (`lk_…`)
 * carry no flag scope, so they get 403 on every flag route.
 */
import { can } from "../access/policy.ts";
import type { Action, Resource } from "../access/subject.ts";
import type { Org } from "../accounts/orgs.ts";
import type { AuthKit } from "../auth/kit.ts";
import { type Principal, subjectOf } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";

export function orgAccess(kit: AuthKit) {
  return async (p: Principal, request: Request, idOrSlug: string, action: Action): Promise<Org> => {
    if (p.via === "apikey") throw new HttpError(403, "FORBIDDEN", "API keys cannot read or manage flags");
    const org = await kit.accounts.orgs.get(idOrSlug);
    const subject = subjectOf(p);
    const resource: Resource = { type: "org", orgId: org?.id ?? "" };
    if (!org || !can(subject, "Read", resource).allow)
      throw new HttpError(404, "NOT_FOUND", `org ${idOrSlug} not found`);
    const d = can(subject, action, resource);
    if (!d.allow) {
      await kit.audit(request, p, {
        action: "access.denied",
        targetType: "org",
        targetId: org.id,
        orgId: org.id,
        detail: { want: action, reason: d.reason },
      });
      throw new HttpError(403, "FORBIDDEN", d.reason);
    }
    return org;
  };
}
