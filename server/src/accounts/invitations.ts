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
    /**
     * Accepts for `user` (whose verified e-mail must be the invited one): adds the membership and
     * uses the invitation up, in one transaction. Undefined when unknown, used, expired or not theirs.
     */
    async accept(token: string, user: { id: string; email: string | null }): Promise<Invitation | undefined> {
      const now = clock().toISOString();
      const inv = await db.get<Invitation>(
        `SELECT id, org_id AS "orgId", email, role, expires_at AS "expiresAt" FROM invitations
          WHERE hash = ? AND accepted_at IS NULL AND revoked_at IS NULL`,
        [hashToken(token)],
      );
      if (!inv || inv.expiresAt <= now || !user.email || normaliseEmail(user.email) !== inv.email)
        return undefined;
      const [used] = await db.batch([
        ["UPDATE invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS NULL", [now, inv.id]],
        [
          `INSERT INTO org_members (org_id, user_id, role, created_at) SELECT ?, ?, ?, ?
            WHERE EXISTS (SELECT 1 FROM invitations WHERE id = ? AND accepted_at = ?) ON CONFLICT DO NOTHING`,
          [inv.orgId, user.id, inv.role, now, inv.id, now],
        ],
      ]);
      return used ? inv : undefined;
    },
  };
}
