/**
 * Support access: a thread's owner lets support staff (global role `support`) read the thread for
 * 31 days, and may revoke it sooner. A grant is live while unrevoked and unexpired; granting again
 * replaces the live grant with a fresh 31 days.
 */
import type { SqlRunner } from "../db/sql-runner.ts";

export const SUPPORT_GRANT_TTL_MS = 31 * 24 * 3600 * 1000;

export interface SupportGrant {
  id: string;
  threadId: string;
  grantedBy: string;
  createdAt: string;
  expiresAt: string;
}

export function createSupportGrantStore(db: SqlRunner, clock: () => Date) {
  return {
    async grant(threadId: string, by: string): Promise<SupportGrant> {
      const now = clock();
      const g: SupportGrant = {
        id: `sgr_${Bun.randomUUIDv7()}`,
        threadId,
        grantedBy: by,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + SUPPORT_GRANT_TTL_MS).toISOString(),
      };
      await db.batch([
        [
          "UPDATE support_grants SET revoked_at = ? WHERE thread_id = ? AND revoked_at IS NULL",
          [g.createdAt, threadId],
        ],
        [
          "INSERT INTO support_grants (id, thread_id, granted_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
          [g.id, g.threadId, g.grantedBy, g.createdAt, g.expiresAt],
        ],
      ]);
      return g;
    },
    /** Ends the live grant; false when there was none. */
    async revoke(threadId: string): Promise<boolean> {
      const now = clock().toISOString();
      return (
        (await db.run(
          "UPDATE support_grants SET revoked_at = ? WHERE thread_id = ? AND revoked_at IS NULL AND expires_at > ?",
          [now, threadId, now],
        )) > 0
      );
    },
    /** Live grants, newest first, one per thread (what support staff may open now). */
    async listLive(limit: number): Promise<SupportGrant[]> {
      const rows = await db.all<SupportGrant>(
        `SELECT id, thread_id AS "threadId", granted_by AS "grantedBy", created_at AS "createdAt", expires_at AS "expiresAt"
           FROM support_grants WHERE revoked_at IS NULL AND expires_at > ?
          ORDER BY created_at DESC, id DESC LIMIT ?`,
        [clock().toISOString(), limit],
      );
      const seen = new Set<string>();
      return rows.filter((g) => !seen.has(g.threadId) && seen.add(g.threadId));
    },
    /** The live grant of the thread, if any. */
    live: (threadId: string) =>
      db.get<SupportGrant>(
        `SELECT id, thread_id AS "threadId", granted_by AS "grantedBy", created_at AS "createdAt", expires_at AS "expiresAt"
           FROM support_grants WHERE thread_id = ? AND revoked_at IS NULL AND expires_at > ?
          ORDER BY created_at DESC LIMIT 1`,
        [threadId, clock().toISOString()],
      ),
  };
}

export type SupportGrantStore = ReturnType<typeof createSupportGrantStore>;
