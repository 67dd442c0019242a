/** Loom API tokens: `lt_<random>`, shown once, stored as sha256. */

import type { SQLQueryBindings } from "bun:sqlite";
import { ensureUserStmts } from "../accounts/users.ts";
import type { TokenStore } from "../db/backend.ts";
import type { Db } from "../db/open.ts";
import { tokens } from "../db/schema.ts";

export const TOKEN_PREFIX = "lt_";

export function hashToken(token: string): string {
  return new Bun.CryptoHasher("sha256").update(token).digest("hex");
}

export function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return TOKEN_PREFIX + Buffer.from(bytes).toString("base64url");
}

export interface TokenRecord {
  id: string;
  name: string;
  userId: string;
  createdAt: string;
  /** Proxy requests per minute; null means the server default. */
  rateLimitPerMinute: number | null;
}

/**
 * Creates a token; the returned `token` is the only time the secret exists outside the caller. Its
 * user is created when absent (the first user on a server becomes system_admin).
 */
export function createToken(
  db: Db,
  opts: { name: string; userId?: string; rateLimitPerMinute?: number; now?: Date },
): TokenRecord & { token: string } {
  const token = generateToken();
  const rec: TokenRecord = {
    id: `tok_${Bun.randomUUIDv7()}`,
    name: opts.name,
    userId: opts.userId ?? opts.name,
    createdAt: (opts.now ?? new Date()).toISOString(),
    rateLimitPerMinute: opts.rateLimitPerMinute ?? null,
  };
  db.$client.transaction(() => {
    for (const [q, p] of ensureUserStmts(rec.userId, rec.createdAt))
      db.$client.query(q).run(...(p as SQLQueryBindings[]));
    db.insert(tokens)
      .values({ ...rec, hash: hashToken(token) })
      .run();
  })();
  return { ...rec, token };
}

/** The columns of a TokenRecord (never the hash). */
const RECORD = {
  id: tokens.id,
  name: tokens.name,
  userId: tokens.userId,
  createdAt: tokens.createdAt,
  rateLimitPerMinute: tokens.rateLimitPerMinute,
};

export function findToken(db: Db, token: string): TokenRecord | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  // Every authenticated request runs this: `query` keeps the compiled statement (a drizzle query
  // would be prepared again each time).
  const row = db.$client
    .query<TokenRecord, [string]>(
      `SELECT t.id, t.name, t.user_id AS userId, t.created_at AS createdAt, t.rate_limit_per_minute AS rateLimitPerMinute
         FROM tokens t JOIN users u ON u.id = t.user_id AND u.disabled_at IS NULL
        WHERE t.hash = ? AND t.revoked_at IS NULL`,
    )
    .get(hashToken(token));
  return row ?? undefined;
}

export function listTokens(db: Db): (TokenRecord & { revokedAt: string | null })[] {
  return db
    .select({ ...RECORD, revokedAt: tokens.revokedAt })
    .from(tokens)
    .all();
}

export function revokeToken(db: Db, id: string, now = new Date()): boolean {
  const res = db.$client.run("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [
    now.toISOString(),
    id,
  ]);
  return res.changes > 0;
}

/** The SQLite functions above as a `TokenStore` (the Postgres one is `db/pg/tokens.ts`). */
export function sqliteTokens(db: Db): TokenStore {
  return {
    create: (o) => createToken(db, o),
    find: (token) => findToken(db, token),
    list: () => listTokens(db),
    revoke: (id, now) => revokeToken(db, id, now),
  };
}
