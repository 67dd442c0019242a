/**
 * Opens a PostgreSQL server database: Bun's built-in SQL client (a pool), pending migrations applied
 * under the migration lock, wrapped by drizzle (`drizzle-orm/bun-sql`).
 */
import { drizzle } from "drizzle-orm/bun-sql";
import * as schema from "../schema-pg.ts";
import { migratePg } from "./migrate.ts";

export interface PgDb {
  url: string;
  sql: Bun.SQL;
  db: ReturnType<typeof drizzle<typeof schema>>;
  /** Migrations this process applied (empty when another replica had done them). */
  applied: string[];
}

export const DEFAULT_PG_POOL = 20;

export async function openPg(url: string, o: { max?: number } = {}): Promise<PgDb> {
  // A server that is down or unreachable fails start-up in seconds, not after the client's 30 s default.
  const sql = new Bun.SQL(url, { max: o.max ?? DEFAULT_PG_POOL, connectionTimeout: 10 } as Bun.SQL.Options);
  try {
    const applied = await migratePg(sql);
    return { url, sql, db: drizzle({ client: sql, schema }), applied };
  } catch (e) {
    await sql.close().catch(() => {});
    throw e;
  }
}

/** `postgres://…` or `postgresql://…`. */
export const isPostgresUrl = (s: string) => /^postgres(ql)?:\/\//i.test(s);
