/**
 * Invitations to an org by e-mail (magic-link style): an org owner/admin invites an address; with
 * `[auth.smtp]` configured the accept link (`<public_url>/invite?token=li_…`, single use, 7 days,
 * stored as sha256) goes out by mail and the answer carries no secret, otherwise the answer carries
 * the link for the inviter to pass on. The invitee, signed in with the invited verified address,
 * accepts (the web page at `/invite` posts the token) and joins with the invited role.
 */
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import type { AuthKit } from "../auth/kit.ts";
import type { Mailer } from "../auth/mailer.ts";
import { authPlugin } from "../auth/plugin.ts";
import type { PrincipalResolver } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import type { Logger } from "../logger.ts";
import { orgGuard } from "./org-guard.ts";
import { OrgItemParams, OrgParams, OrgRoleT } from "./schemas.ts";

const Invitation = t.Object({
  id: t.String(),
  orgId: t.String(),
  email: t.String(),
  role: t.String(),
  expiresAt: t.String(),
  invitedBy: t.String(),
  createdAt: t.String(),
});

/** Why an accept failed, as the invitee reads it. */
const REFUSAL = {
  unknown: [404, "NOT_FOUND", "this invitation does not exist or was withdrawn"],
  used: [400, "INVALID_INPUT", "this invitation was already used"],
  expired: [400, "INVALID_INPUT", "this invitation has expired: ask the org's admins for a new one"],
  other_address: [
    403,
    "FORBIDDEN",
    "this invitation was sent to another e-mail address: sign in with that address to accept it",
  ],
} as const;

export function invitationRoutes(
  resolvers: PrincipalResolver[],
  kit: AuthKit,
  o: { mailer?: Mailer; log?: Logger } = {},
) {
  const { orgFor, selfWrite } = orgGuard(kit);
  const { invitations } = kit.accounts;

  return new Elysia({ prefix: "/api/orgs", detail: { tags: ["orgs"] } })
    .use(authPlugin(resolvers))
    .post(
      "/:org/invitations",
      async ({ principal, params, body, request, set }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        // Inviting a member would change nothing when accepted: say so now, and how to change a role.
        const invitee = await kit.accounts.users.findByEmail(body.email);
        const member =
          invitee && (await kit.accounts.orgs.members(org.id)).find((m) => m.userId === invitee.id);
        if (member)
          throw new HttpError(
            409,
            "CONFLICT",
            `${member.email ?? body.email} is already a member of ${org.slug} (${member.role}); change their role instead of inviting them`,
          );
        const inv = await invitations.create({
          orgId: org.id,
          email: body.email,
          role: body.role ?? "member",
          invitedBy: principal.userId,
        });
        const base = (kit.publicUrl ?? new URL(request.url).origin).replace(/\/+$/, "");
        const link = `${base}/invite?token=${inv.token}`;
        let mailed = false;
        if (o.mailer) {
          const inviter = await kit.accounts.users.get(principal.userId);
          try {
            await o.mailer.send({
              to: inv.email,
              subject: `You are invited to ${org.name} on Loom`,
              text: `${inviter?.displayName ?? "Someone"} invited you to join ${org.name} (${org.slug}) on Loom as ${inv.role}.\n\nSign in as ${inv.email} and open this link to accept (it works once, for 7 days):\n\n${link}\n\nIf you did not expect it, ignore this mail.\n`,
            });
            mailed = true;
          } catch (e) {
            // The invitation stands; the inviter sees mailed: false and can withdraw and try again.
            o.log?.error("org.invite_mail_failed", { error: e instanceof Error ? e.message : String(e) });
          }
        }
        await kit.audit(request, principal, {
          action: "org.invite",
          targetType: "invitation",
          targetId: inv.id,
          orgId: org.id,
          detail: { email: inv.email, role: inv.role, mailed },
        });
        set.status = 201;
        const { token: _t, ...shown } = inv;
        // A mailed link is the invitee's alone; without mail, the inviter passes it on.
        return { ...shown, mailed, ...(mailed ? {} : { link, token: inv.token }) };
      },
      {
        auth: true,
        params: OrgParams,
        body: t.Object({ email: t.String({ format: "email", maxLength: 320 }), role: t.Optional(OrgRoleT) }),
        parse: "json",
        response: {
          201: t.Object({
            id: t.String(),
            orgId: t.String(),
            email: t.String(),
            role: t.String(),
            expiresAt: t.String(),
            mailed: t.Boolean(),
            link: t.Optional(t.String()),
            token: t.Optional(t.String()),
          }),
        },
        detail: {
          summary: "Invite an e-mail address to the org (mailed when SMTP is set; 7 days, single use)",
          operationId: "org.invitations.create",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .get(
      "/:org/invitations",
      async ({ principal, params, request }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        return { items: await invitations.list(org.id) };
      },
      {
        auth: true,
        params: OrgParams,
        response: t.Object({ items: t.Array(Invitation) }),
        detail: {
          summary: "Open invitations of an org (never the secrets)",
          operationId: "org.invitations.list",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .delete(
      "/:org/invitations/:id",
      async ({ principal, params, request, set }) => {
        const org = await orgFor(principal, request, params.org, "ManageOrg");
        if (!(await invitations.revoke(org.id, params.id)))
          throw new HttpError(404, "NOT_FOUND", `open invitation ${params.id} not found`);
        await kit.audit(request, principal, {
          action: "org.invite_revoked",
          targetType: "invitation",
          targetId: params.id,
          orgId: org.id,
        });
        set.status = 204;
      },
      {
        auth: true,
        params: OrgItemParams,
        detail: {
          summary: "Withdraw an open invitation",
          operationId: "org.invitations.revoke",
          ...access("ManageOrg", "org"),
        },
      },
    )
    .post(
      "/invitations/accept",
      async ({ principal, body, request }) => {
        await selfWrite(principal, request, "join orgs");
        const user = await kit.accounts.users.get(principal.userId);
        const got = user ? await invitations.accept(body.token, user) : { error: "other_address" as const };
        if ("error" in got) {
          await kit.audit(request, principal, {
            action: "org.join_failed",
            targetType: "invitation",
            detail: { reason: got.error },
          });
          const [status, code, message] = REFUSAL[got.error];
          throw new HttpError(status, code, message);
        }
        await kit.audit(request, principal, {
          action: "org.join",
          targetType: "invitation",
          targetId: got.id,
          orgId: got.orgId,
          detail: {
            role: got.role,
            via: "invitation",
            ...(got.alreadyMember ? { alreadyMember: true } : {}),
          },
        });
        const org = await kit.accounts.orgs.get(got.orgId);
        return {
          orgId: got.orgId,
          slug: org?.slug ?? "",
          name: org?.name ?? "",
          role: got.role,
          alreadyMember: got.alreadyMember,
        };
      },
      {
        auth: true,
        body: t.Object({ token: t.String({ maxLength: 200 }) }),
        parse: "json",
        response: t.Object({
          orgId: t.String(),
          slug: t.String(),
          name: t.String(),
          /** The role held now: the invited one, or the one a member already had (`alreadyMember`). */
          role: t.String(),
          alreadyMember: t.Boolean(),
        }),
        detail: {
          summary: "Accept an invitation (signed in with the invited e-mail)",
          operationId: "org.invitations.accept",
          ...access("Write", "user"),
        },
      },
    );
}
