/**
 * Join requests: a signed-in user asks to join an org; an org owner/admin approves (the user joins
 * as a member, in the same transaction) or denies. One open request per user and org: asking again
 * answers the open one.
 */
import type { SqlRunner } from "../db/sql-runner.ts";

export interface JoinRequest {
  id: string;
  orgId: string;
  userId: string;
  createdAt: string;
  /** `approved` | `denied`, or null while open. */
  decision: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
}

export interface OpenJoinRequest extends JoinRequest {
  email: string | null;
  displayName: string;
}

const COLS = `r.id, r.org_id AS "orgId", r.user_id AS "userId", r.created_at AS "createdAt", r.decision,
  r.decided_by AS "decidedBy", r.decided_at AS "decidedAt"`;

export function createJoinRequestStore(db: SqlRunner, clock: () => Date) {
  const open = (orgId: string, userId: string) =>
    db.get<JoinRequest>(
      `SELECT ${COLS} FROM join_requests r WHERE r.org_id = ? AND r.user_id = ? AND r.decision IS NULL`,
      [orgId, userId],
    );
  return {
    /** The user's open request to join the org (a new one, or the one already open). */
    async create(orgId: string, userId: string): Promise<{ request: JoinRequest; created: boolean }> {
      const existing = await open(orgId, userId);
      if (existing) return { request: existing, created: false };
      const request: JoinRequest = {
        id: `jrq_${Bun.randomUUIDv7()}`,
        orgId,
        userId,
        createdAt: clock().toISOString(),
        decision: null,
        decidedBy: null,
        decidedAt: null,
      };
      await db.run("INSERT INTO join_requests (id, org_id, user_id, created_at) VALUES (?, ?, ?, ?)", [
        request.id,
        orgId,
        userId,
        request.createdAt,
      ]);
      return { request, created: true };
    },
    /** Open requests of the org, oldest first, with who asked. */
    listOpen: (orgId: string) =>
      db.all<OpenJoinRequest>(
        `SELECT ${COLS}, u.email, u.display_name AS "displayName"
           FROM join_requests r JOIN users u ON u.id = r.user_id
          WHERE r.org_id = ? AND r.decision IS NULL ORDER BY r.created_at, r.id`,
        [orgId],
      ),
    /**
     * Decides an open request of the org; approving adds the member (role member) in the same
     * transaction. Undefined when there is no such open request.
     */
    async decide(
      orgId: string,
      id: string,
      decision: "approved" | "denied",
      by: string,
    ): Promise<JoinRequest | undefined> {
      const now = clock().toISOString();
      const [n] = await db.batch([
        [
          "UPDATE join_requests SET decision = ?, decided_by = ?, decided_at = ? WHERE id = ? AND org_id = ? AND decision IS NULL",
          [decision, by, now, id, orgId],
        ],
        ...(decision === "approved"
          ? [
              [
                `INSERT INTO org_members (org_id, user_id, role, created_at)
                 SELECT org_id, user_id, 'member', ? FROM join_requests WHERE id = ? AND decided_at = ? AND decision = 'approved'
                 ON CONFLICT DO NOTHING`,
                [now, id, now],
              ] as [string, unknown[]],
            ]
          : []),
      ]);
      if (!n) return undefined;
      return db.get<JoinRequest>(`SELECT ${COLS} FROM join_requests r WHERE r.id = ?`, [id]);
    },
  };
}

export type JoinRequestStore = ReturnType<typeof createJoinRequestStore>;
