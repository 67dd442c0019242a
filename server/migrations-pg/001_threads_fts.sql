-- Full-text search (written by hand: drizzle-kit does not generate it). The PostgreSQL twin of SQLite's
-- FTS5 `threads_fts`: one row per live thread keyed by `threads.fts_rowid`, its text as a weighted
-- tsvector (A title + tags, B git, D messages), searched through a GIN index.
CREATE TABLE "threads_fts" (
	"rowid" bigint PRIMARY KEY NOT NULL,
	"document" tsvector NOT NULL
);
--> statement-breakpoint
CREATE INDEX "threads_fts_document" ON "threads_fts" USING gin ("document");
--> statement-breakpoint
-- `threads.fts_rowid` values: concurrent creators on several replicas never collide.
CREATE SEQUENCE "threads_fts_rowid_seq";
