/**
 * The audit log of security events: sign-in and out, token/key create and revoke, permission denied,
 * share, visibility change, impersonation, membership change. Append and read only: no route updates
 * or deletes a row. Ids are UUIDv7, so `id` orders entries by time and pages them.
 */
import type { SqlRunner } from "../db/sql-runner.ts";

export interface AuditEvent {
  action: string;
  actorId?: string | null;
  impersonatorId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  orgId?: string | null;
  ip?: string | null;
  /** Details (never a secret). */
  detail?: Record<string, unknown>;
}

export interface AuditEntry {
  id: string;
  at: string;
  action: string;
  actorId: string | null;
  impersonatorId: string | null;
  targetType: string | null;
  targetId: string | null;
  orgId: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  actorId?: string;
  action?: string;
  /** Events of this org only. */
  orgId?: string;
  /** ISO instants, inclusive. */
  from?: string;
  to?: string;
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export function createAuditLog(db: SqlRunner, clock: () => Date) {
  return {
    async append(e: AuditEvent): Promise<void> {
      await db.run(
        `INSERT INTO audit_log (id, at, actor_id, impersonator_id, action, target_type, target_id, org_id, ip, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          `aud_${Bun.randomUUIDv7()}`,
          clock().toISOString(),
          e.actorId ?? null,
          e.impersonatorId ?? null,
          e.action,
          e.targetType ?? null,
          e.targetId ?? null,
          e.orgId ?? null,
          e.ip?.slice(0, 100) ?? null,
          JSON.stringify(e.detail ?? {}),
        ],
      );
    },
    /** Newest first; filters combine with AND. */
    async query(q: AuditQuery): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (cond: string, v: unknown) => {
        where.push(cond);
        params.push(v);
      };
      if (q.actorId) add("actor_id = ?", q.actorId);
      if (q.action) add("action = ?", q.action);
      if (q.orgId) add("org_id = ?", q.orgId);
      if (q.from) add("at >= ?", q.from);
      if (q.to) add("at <= ?", q.to);
      if (q.cursor) add("id < ?", q.cursor);
      const rows = await db.all<Omit<AuditEntry, "detail"> & { detail: string }>(
        `SELECT id, at, action, actor_id AS "actorId", impersonator_id AS "impersonatorId", target_type AS "targetType",
                target_id AS "targetId", org_id AS "orgId", ip, detail
           FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
          ORDER BY id DESC LIMIT ?`,
        [...params, q.limit + 1],
      );
      const items = rows.slice(0, q.limit).map((r) => ({ ...r, detail: JSON.parse(r.detail) }));
      return { items, nextCursor: rows.length > q.limit ? (items.at(-1)?.id ?? null) : null };
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
