import { defineConfig } from "drizzle-kit";

// SQLite migrations. Postgres: drizzle-pg.config.ts (its tables derive from the same schema; specs/server.md "Storage").
// `bunx drizzle-kit generate --config server/drizzle.config.ts`, then rename the new file to NNN_description.sql
// (and its tag in migrations/meta/_journal.json), and list it in src/db/bundled-migrations.ts.
// FTS5 tables are written by hand (see 004_threads_fts_contentless.sql).
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
