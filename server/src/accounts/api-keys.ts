/**
 * Org API keys `lk_<random>`: shown once, stored as sha256, scoped, last use tracked, revocable. A key
 * acts for its org with its scopes, bounded by its creator's rights now (the policy checks both), and
 * stops when its creator is disabled.
 */
import type { Scope } from "../access/subject.ts";
import { hashToken } from "../auth/tokens.ts";
import type { SqlRunner } from "../db/sql-runner.ts";

export const API_KEY_PREFIX = "lk_";
/** Last-used time is written at most this often per key. */
const TOUCH_MS = 60 * 1000;

export interface ApiKeyInfo {
  id: string;
  orgId: string;
  name: string;
  scopes: Scope[];
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

type Raw = Omit<ApiKeyInfo, "scopes"> & { scopes: string };
const toInfo = (r: Raw): ApiKeyInfo => ({ ...r, scopes: r.scopes.split(" ").filter(Boolean) as Scope[] });
const cols = (t = "") =>
  `${t}id, ${t}org_id AS "orgId", ${t}name, ${t}scopes, ${t}created_by AS "createdBy", ${t}created_at AS "createdAt",
   ${t}last_used_at AS "lastUsedAt", ${t}revoked_at AS "revokedAt"`;

export function createApiKeyStore(db: SqlRunner, clock: () => Date) {
  return {
    async create(o: { orgId: string; name: string; scopes: Scope[]; createdBy: string }) {
      const key =
        API_KEY_PREFIX + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
      const info: ApiKeyInfo = {
        id: `key_${Bun.randomUUIDv7()}`,
        orgId: o.orgId,
        name: o.name,
        scopes: [...new Set(o.scopes)].sort() as Scope[],
        createdBy: o.createdBy,
        createdAt: clock().toISOString(),
        lastUsedAt: null,
        revokedAt: null,
      };
      await db.run(
        `INSERT INTO api_keys (id, org_id, name, hash, scopes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          info.id,
          info.orgId,
          info.name,
          hashToken(key),
          info.scopes.join(" "),
          info.createdBy,
          info.createdAt,
        ],
      );
      return { ...info, key };
    },
    /** The live key for a secret (creator enabled); records its use. */
    async find(key: string): Promise<ApiKeyInfo | undefined> {
      if (!key.startsWith(API_KEY_PREFIX)) return undefined;
      const r = await db.get<Raw>(
        `SELECT ${cols("k.")} FROM api_keys k JOIN users u ON u.id = k.created_by AND u.disabled_at IS NULL
          WHERE k.hash = ? AND k.revoked_at IS NULL`,
        [hashToken(key)],
      );
      if (!r) return undefined;
      const now = clock();
      if (!r.lastUsedAt || now.getTime() - Date.parse(r.lastUsedAt) >= TOUCH_MS) {
        r.lastUsedAt = now.toISOString();
        await db.run("UPDATE api_keys SET last_used_at = ? WHERE id = ?", [r.lastUsedAt, r.id]);
      }
      return toInfo(r);
    },
    get: async (id: string) => {
      const r = await db.get<Raw>(`SELECT ${cols()} FROM api_keys WHERE id = ?`, [id]);
      return r ? toInfo(r) : undefined;
    },
    list: async (orgId: string) =>
      (
        await db.all<Raw>(`SELECT ${cols()} FROM api_keys WHERE org_id = ? ORDER BY created_at, id`, [orgId])
      ).map(toInfo),
    async revoke(id: string): Promise<boolean> {
      return (
        (await db.run("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [
          clock().toISOString(),
          id,
        ])) > 0
      );
    },
  };
}

export type ApiKeyStore = ReturnType<typeof createApiKeyStore>;
