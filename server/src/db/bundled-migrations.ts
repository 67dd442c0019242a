/**
 * The migrations as text inside the bundle: `dist/loom` has no `server/migrations/` folder to read
 * (before this, `dist/loom serve` failed with `scandir '/migrations'`). Add each new file here;
 * `migrate.test.ts` checks that this list and the folder hold the same files.
 */
import m000 from "../../migrations/000_init.sql" with { type: "text" };
import m001 from "../../migrations/001_threads_fts.sql" with { type: "text" };
import m002 from "../../migrations/002_token_rate_limit.sql" with { type: "text" };
import m003 from "../../migrations/003_threads_fts_rowid.sql" with { type: "text" };
import m004 from "../../migrations/004_threads_fts_contentless.sql" with { type: "text" };
import m005 from "../../migrations/005_rate_limits.sql" with { type: "text" };
import m006 from "../../migrations/006_accounts.sql" with { type: "text" };
import m007 from "../../migrations/007_sign_in.sql" with { type: "text" };
import m008 from "../../migrations/008_threads_fts_pending.sql" with { type: "text" };
import m009 from "../../migrations/009_flags.sql" with { type: "text" };
import m010 from "../../migrations/010_analytics.sql" with { type: "text" };
import m011 from "../../migrations/011_auth_epoch.sql" with { type: "text" };

export const BUNDLED_MIGRATIONS: Readonly<Record<string, string>> = {
  "000_init.sql": m000,
  "001_threads_fts.sql": m001,
  "002_token_rate_limit.sql": m002,
  "003_threads_fts_rowid.sql": m003,
  "004_threads_fts_contentless.sql": m004,
  "005_rate_limits.sql": m005,
  "006_accounts.sql": m006,
  "007_sign_in.sql": m007,
  "008_threads_fts_pending.sql": m008,
  "009_flags.sql": m009,
  "010_analytics.sql": m010,
  "011_auth_epoch.sql": m011,
};
