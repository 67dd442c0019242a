/**
 * Flag SDK keys `loom_sdk_{client|server}_{env}_{hex}`: shown once, stored as sha256, revocable. A
 * server key reads every flag's rules of its org in its environment (and evaluates locally); a client
 * key gets evaluated values only.
 */
import { hashToken } from "../auth/tokens.ts";
import type { SqlRunner } from "../db/sql-runner.ts";

export const SDK_KEY_PREFIX = "loom_sdk_";
export const SDK_KEY_PATTERN = /^loom_sdk_(client|server)_([a-z][a-z0-9]{0,19})_[0-9a-f]{64}$/;
export type SdkKeyKind = "client" | "server";
const TOUCH_MS = 60 * 1000;

export interface SdkKeyInfo {
  id: string;
  orgId: string;
  name: string;
  kind: SdkKeyKind;
  environment: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const COLS = `id, org_id AS "orgId", name, kind, environment, created_by AS "createdBy", created_at AS "createdAt",
  last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"`;

export function createSdkKeyStore(db: SqlRunner, clock: () => Date) {
  return {
    async create(o: {
      orgId: string;
      name: string;
      kind: SdkKeyKind;
      environment: string;
      createdBy: string;
    }) {
      const hex = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex");
      const key = `${SDK_KEY_PREFIX}${o.kind}_${o.environment}_${hex}`;
      const info: SdkKeyInfo = {
        id: `fsk_${Bun.randomUUIDv7()}`,
        ...o,
        createdAt: clock().toISOString(),
        lastUsedAt: null,
        revokedAt: null,
      };
      await db.run(
        `INSERT INTO flag_sdk_keys (id, org_id, name, kind, environment, hash, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          info.id,
          info.orgId,
          info.name,
          info.kind,
          info.environment,
          hashToken(key),
          info.createdBy,
          info.createdAt,
        ],
      );
      return { ...info, key };
    },
    /** The live key for a secret; records its use (at most once a minute). */
    async find(key: string): Promise<SdkKeyInfo | undefined> {
      if (!SDK_KEY_PATTERN.test(key)) return undefined;
      const r = await db.get<SdkKeyInfo>(
        `SELECT ${COLS} FROM flag_sdk_keys WHERE hash = ? AND revoked_at IS NULL`,
        [hashToken(key)],
      );
      if (!r) return undefined;
      const now = clock();
      if (!r.lastUsedAt || now.getTime() - Date.parse(r.lastUsedAt) >= TOUCH_MS) {
        r.lastUsedAt = now.toISOString();
        await db.run("UPDATE flag_sdk_keys SET last_used_at = ? WHERE id = ?", [r.lastUsedAt, r.id]);
      }
      return r;
    },
    list: (orgId: string) =>
      db.all<SdkKeyInfo>(`SELECT ${COLS} FROM flag_sdk_keys WHERE org_id = ? ORDER BY created_at, id`, [
        orgId,
      ]),
    async revoke(orgId: string, id: string): Promise<boolean> {
      return (
        (await db.run(
          "UPDATE flag_sdk_keys SET revoked_at = ? WHERE id = ? AND org_id = ? AND revoked_at IS NULL",
          [clock().toISOString(), id, orgId],
        )) > 0
      );
    },
  };
}

export type SdkKeyStore = ReturnType<typeof createSdkKeyStore>;
