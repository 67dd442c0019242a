/**
 * Invitations to an org by e-mail: a single-use secret (`li_…`, stored as sha256) that expires after
 * 7 days; accepting needs a signed-in account whose verified e-mail is the invited address.
 */
import type { OrgRole } from "../access/subject.ts";
import { hashToken } from "../auth/tokens.ts";
import type { SqlRunner } from "../db/sql-runner.ts";
import { normaliseEmail } from "./users.ts";

export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

export interface Invitation {
  id: string;
  orgId: string;
  email: string;
  role: OrgRole;
  expiresAt: string;
}

export function createInvitationStore(db: SqlRunner, clock: () => Date) {
  return {
    async create(o: { orgId: string; email: string; role: OrgRole; invitedBy: string }) {
      const token = `li_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url")}`;
      const now = clock();
      const inv: Invitation = {
        id: `inv_${Bun.randomUUIDv7()}`,
        orgId: o.orgId,
        email: normaliseEmail(o.email),
        role: o.role,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS).toISOString(),
      };
      await db.run(
        `INSERT INTO invitations (id, org_id, email, role, hash, invited_by, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          inv.id,
          inv.orgId,
          inv.email,
          inv.role,
          hashToken(token),
          o.invitedBy,
          now.toISOString(),
          inv.expiresAt,
        ],
      );
      return { ...inv, token };
    },
    /** The org's open invitations (not accepted, revoked or expired), newest first; never the secret. */
    list: (orgId: string) =>
      db.all<Invitation & { invitedBy: string; createdAt: string }>(
        `SELECT id, org_id AS "orgId", email, role, expires_at AS "expiresAt", invited_by AS "invitedBy",
                created_at AS "createdAt"
           FROM invitations WHERE org_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?
          ORDER BY created_at DESC, id DESC`,
        [orgId, clock().toISOString()],
      ),
    /** Withdraws an open invitation of the org; false when there is none. */
    async revoke(orgId: string, id: string): Promise<boolean> {
      return (
        (await db.run(
          "UPDATE invitations SET revoked_at = ? WHERE id = ? AND org_id = ? AND accepted_at IS NULL AND revoked_at IS NULL",
          [clock().toISOString(), id, orgId],
        )) > 0
      );
    },
    /**
     * Accepts for `user` (whose verified e-mail must be the invited one): adds the membership and
     * uses the invitation up, in one transaction; a member already keeps their role (`alreadyMember`). Else why not: unknown (or withdrawn), used,
     * expired, or sent to another address.
     */
    async accept(
      token: string,
      user: { id: string; email: string | null },
    ): Promise<
      (Invitation & { alreadyMember: boolean }) | { error: "unknown" | "used" | "expired" | "other_address" }
    > {
      const now = clock().toISOString();
      const inv = await db.get<Invitation & { acceptedAt: string | null }>(
        `SELECT id, org_id AS "orgId", email, role, expires_at AS "expiresAt", accepted_at AS "acceptedAt"
           FROM invitations WHERE hash = ? AND revoked_at IS NULL`,
        [hashToken(token)],
      );
      if (!inv) return { error: "unknown" };
      if (inv.acceptedAt) return { error: "used" };
      if (inv.expiresAt <= now) return { error: "expired" };
      if (!user.email || normaliseEmail(user.email) !== inv.email) return { error: "other_address" };
      const [used, joined] = await db.batch([
        ["UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL", [now, inv.id]],
        [
          `INSERT INTO org_members (org_id, user_id, role, created_at) SELECT ?, ?, ?, ?
            WHERE EXISTS (SELECT 1 FROM invitations WHERE id = ? AND accepted_at = ?) ON CONFLICT DO NOTHING`,
          [inv.orgId, user.id, inv.role, now, inv.id, now],
        ],
      ]);
      if (!used) return { error: "used" };
      const { acceptedAt: _a, ...out } = inv;
      if (joined) return { ...out, alreadyMember: false };
      // Already a member (they joined some other way since): the invitation is used up and they keep
      // the role they hold; an invitation neither promotes nor demotes.
      const held = await db.get<{ role: OrgRole }>(
        "SELECT role FROM org_members WHERE org_id = ? AND user_id = ?",
        [inv.orgId, user.id],
      );
      return { ...out, role: held?.role ?? out.role, alreadyMember: true };
    },
  };
}
