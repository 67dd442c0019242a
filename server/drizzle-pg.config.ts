import { defineConfig } from "drizzle-kit";
// PostgreSQL migrations, generated from the same schema (src/db/schema-pg.ts derives its tables from
// src/db/schema.ts): `bunx drizzle-kit generate --config drizzle-pg.config.ts --name <description>`, then
// rename the file to NNN_description.sql (and its tag in migrations-pg/meta/_journal.json) and list it
// in src/db/pg/bundled-migrations.ts. The tsvector search table is written by hand (001_threads_fts.sql).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema-pg.ts",
  out: "./migrations-pg",
});
