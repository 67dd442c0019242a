/** The org a principal may act on, or the HTTP error they get: 404 when they may not even read it, else 403 (audited). */
import { can } from "../access/policy.ts";
import type { Action, Resource } from "../access/subject.ts";
import type { AuthKit } from "../auth/kit.ts";
import { type Principal, subjectOf } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";

export async function orgFor(kit: AuthKit, p: Principal, request: Request, idOrSlug: string, action: Action) {
  if (p.via === "apikey") throw new HttpError(403, "FORBIDDEN", "API keys cannot read or manage orgs");
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
}
