/**
 * Analytics keys `loom_analytics_{write|rw}_<random>` (specs/analytics.md): shown once, stored as
 * sha256, revocable. A write key only sends events for its org (safe to ship in a browser); an rw key
 * also reads and exports them.
 */
import { hashToken } from "../auth/tokens.ts";
import type { SqlRunner } from "../db/sql-runner.ts";

export const ANALYTICS_KEY_PREFIX = "loom_analytics_";
export const KEY_KINDS = ["write", "rw"] as const;
export type AnalyticsKeyKind = (typeof KEY_KINDS)[number];

export interface AnalyticsKeyInfo {
  id: string;
  orgId: string;
  kind: AnalyticsKeyKind;
  name: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

const COLS = `id, org_id AS "orgId", kind, name, created_by AS "createdBy", created_at AS "createdAt",
  revoked_at AS "revokedAt"`;

export function createAnalyticsKeyStore(db: SqlRunner, clock: () => Date) {
  return {
    async create(o: { orgId: string; kind: AnalyticsKeyKind; name: string; createdBy: string }) {
      const random = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("hex");
      const key = `${ANALYTICS_KEY_PREFIX}${o.kind}_${random}`;
      const info: AnalyticsKeyInfo = {
        id: `ak_${Bun.randomUUIDv7()}`,
        orgId: o.orgId,
        kind: o.kind,
        name: o.name,
        createdBy: o.createdBy,
        createdAt: clock().toISOString(),
        revokedAt: null,
      };
      await db.run(
        "INSERT INTO analytics_keys (id, org_id, kind, name, hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [info.id, info.orgId, info.kind, info.name, hashToken(key), info.createdBy, info.createdAt],
      );
      return { ...info, key };
    },
    /** The live key for a secret; undefined for anything else (unknown, revoked, not an analytics key). */
    async find(key: string): Promise<AnalyticsKeyInfo | undefined> {
      if (!key.startsWith(ANALYTICS_KEY_PREFIX)) return undefined;
      return db.get<AnalyticsKeyInfo>(
        `SELECT ${COLS} FROM analytics_keys WHERE hash = ? AND revoked_at IS NULL`,
        [hashToken(key)],
      );
    },
    get: (id: string) => db.get<AnalyticsKeyInfo>(`SELECT ${COLS} FROM analytics_keys WHERE id = ?`, [id]),
    list: (orgId: string) =>
      db.all<AnalyticsKeyInfo>(
        `SELECT ${COLS} FROM analytics_keys WHERE org_id = ? ORDER BY created_at, id`,
        [orgId],
      ),
    async revoke(id: string): Promise<boolean> {
      const n = await db.run("UPDATE analytics_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [
        clock().toISOString(),
        id,
      ]);
      return n > 0;
    },
  };
}

export type AnalyticsKeyStore = ReturnType<typeof createAnalyticsKeyStore>;
