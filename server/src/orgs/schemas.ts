/** Request and response shapes shared by the org, team, invitation and join-request routes. */
import { t } from "elysia";
import { ORG_ROLES, type OrgRole, TEAM_ROLES, type TeamRole } from "../access/subject.ts";

export const Org = t.Object({
  id: t.String(),
  slug: t.String(),
  name: t.String(),
  createdAt: t.String(),
  createdBy: t.String(),
});
export const OrgParams = t.Object({ org: t.String({ maxLength: 100 }) });
/** `/:org/<things>/:id`: one item of an org (an API key, an invitation, a join request, a flag key). */
export const OrgItemParams = t.Object({
  org: t.String({ maxLength: 100 }),
  id: t.String({ maxLength: 100 }),
});
/** `/:org/members/:user`. */
export const OrgUserParams = t.Object({
  org: t.String({ maxLength: 100 }),
  user: t.String({ maxLength: 100 }),
});
export const OrgRoleT = t.Union(
  ORG_ROLES.map((r) => t.Literal(r)) as [ReturnType<typeof t.Literal<OrgRole>>],
);
export const TeamRoleT = t.Union(
  TEAM_ROLES.map((r) => t.Literal(r)) as [ReturnType<typeof t.Literal<TeamRole>>],
);
export const Slug = t.String({
  pattern: "^[a-z0-9][a-z0-9-]{0,38}$",
  description: "a slug: 1-39 lower-case letters, digits and '-', starting with a letter or digit",
});
/** A person in a listing: id, address and name. */
export const Person = t.Object({
  userId: t.String(),
  email: t.Nullable(t.String()),
  displayName: t.String(),
});
