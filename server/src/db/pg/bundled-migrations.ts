/**
 * The PostgreSQL migrations as text inside the bundle (`dist/loom` has no `server/migrations-pg/`).
 * Add each new file here; `migrate.test.ts` checks this list against the folder.
 */
import m000 from "../../../migrations-pg/000_init.sql" with { type: "text" };
import m001 from "../../../migrations-pg/001_threads_fts.sql" with { type: "text" };
import m002 from "../../../migrations-pg/002_accounts.sql" with { type: "text" };
import m003 from "../../../migrations-pg/003_sign_in.sql" with { type: "text" };
import m004 from "../../../migrations-pg/004_flags.sql" with { type: "text" };
import m005 from "../../../migrations-pg/005_analytics.sql" with { type: "text" };

export const BUNDLED_PG_MIGRATIONS: Readonly<Record<string, string>> = {
  "000_init.sql": m000,
  "001_threads_fts.sql": m001,
  "002_accounts.sql": m002,
  "003_sign_in.sql": m003,
  "004_flags.sql": m004,
  "005_analytics.sql": m005,
};
