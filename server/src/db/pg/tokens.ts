/** API tokens on PostgreSQL: the same records as `auth/tokens.ts` (sha256 stored, the token shown once). */

import { ensureUserStmts } from "../../accounts/users.ts";
import { generateToken, hashToken, TOKEN_PREFIX, type TokenRecord } from "../../auth/tokens.ts";
import type { TokenStore } from "../backend.ts";
import { pgPlaceholders } from "../sql-runner.ts";

type Raw = Omit<TokenRecord, "rateLimitPerMinute"> & { rateLimitPerMinute: string | null };
const toRecord = <T extends Raw>(r: T) => ({
  ...r,
  rateLimitPerMinute: r.rateLimitPerMinute === null ? null : Number(r.rateLimitPerMinute),
});

export function createPgTokenStore(sql: Bun.SQL): TokenStore {
  return {
    async create(o) {
      const token = generateToken();
      const rec: TokenRecord = {
        id: `tok_${Bun.randomUUIDv7()}`,
        name: o.name,
        userId: o.userId ?? o.name,
        createdAt: (o.now ?? new Date()).toISOString(),
        rateLimitPerMinute: o.rateLimitPerMinute ?? null,
      };
      await sql.begin(async (tx) => {
        for (const [q, p] of ensureUserStmts(rec.userId, rec.createdAt))
          await tx.unsafe(pgPlaceholders(q), p);
        await tx`INSERT INTO tokens (id, name, user_id, hash, created_at, rate_limit_per_minute)
          VALUES (${rec.id}, ${rec.name}, ${rec.userId}, ${hashToken(token)}, ${rec.createdAt}, ${rec.rateLimitPerMinute})`;
      });
      return { ...rec, token };
    },
    async find(token) {
      if (!token.startsWith(TOKEN_PREFIX)) return undefined;
      const rows: Raw[] = await sql`
        SELECT t.id, t.name, t.user_id AS "userId", t.created_at AS "createdAt", t.rate_limit_per_minute AS "rateLimitPerMinute"
          FROM tokens t JOIN users u ON u.id = t.user_id AND u.disabled_at IS NULL
         WHERE t.hash = ${hashToken(token)} AND t.revoked_at IS NULL`;
      return rows[0] ? toRecord(rows[0]) : undefined;
    },
    async list() {
      const rows: (Raw & { revokedAt: string | null })[] = await sql`
        SELECT id, name, user_id AS "userId", created_at AS "createdAt",
               rate_limit_per_minute AS "rateLimitPerMinute", revoked_at AS "revokedAt"
          FROM tokens ORDER BY created_at, id`;
      return rows.map(toRecord);
    },
    async revoke(id, now = new Date()) {
      const r =
        await sql`UPDATE tokens SET revoked_at = ${now.toISOString()} WHERE id = ${id} AND revoked_at IS NULL`;
      return r.count > 0;
    },
  };
}
