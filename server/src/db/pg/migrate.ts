/**
 * The PostgreSQL migration runner: applies `migrations-pg/NNN_description.sql` in order, each in its
 * own transaction, recorded in `_migrations` (as on SQLite). The whole run holds a session advisory
 * lock, so replicas starting together wait for the first one and then find nothing left to apply.
 */
import { BUNDLED_PG_MIGRATIONS } from "./bundled-migrations.ts";
import { LOCK_MIGRATE, LOCK_SPACE } from "./locks.ts";

export async function migratePg(
  sql: Bun.SQL,
  migrations: Readonly<Record<string, string>> = BUNDLED_PG_MIGRATIONS,
): Promise<string[]> {
  const conn = await sql.reserve();
  const applied: string[] = [];
  try {
    await conn`SELECT pg_advisory_lock(${LOCK_SPACE}, ${LOCK_MIGRATE})`;
    try {
      await conn`CREATE TABLE IF NOT EXISTS _migrations (name text PRIMARY KEY, applied_at text NOT NULL)`;
      const rows: { name: string }[] = await conn`SELECT name FROM _migrations`;
      const done = new Set(rows.map((r) => r.name));
      for (const name of Object.keys(migrations).sort()) {
        if (done.has(name)) continue;
        await conn.unsafe("BEGIN");
        try {
          for (const stmt of (migrations[name] ?? "").split("--> statement-breakpoint")) {
            if (stmt.trim()) await conn.unsafe(stmt);
          }
          await conn`INSERT INTO _migrations (name, applied_at) VALUES (${name}, ${new Date().toISOString()})`;
          await conn.unsafe("COMMIT");
        } catch (e) {
          await conn.unsafe("ROLLBACK").catch(() => {});
          throw e;
        }
        applied.push(name);
      }
    } finally {
      await conn`SELECT pg_advisory_unlock(${LOCK_SPACE}, ${LOCK_MIGRATE})`;
    }
  } finally {
    conn.release();
  }
  return applied;
}
