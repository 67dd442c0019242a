-- Hand-written. The full-text index moves out of this database into its own file (`<db>-search`,
-- attached as `search`, see server/src/db/search-index.ts), written by the maintenance worker off the
-- request path. A thread write records its `fts_rowid` here in its own transaction; the indexer
-- (re)indexes the row and deletes it. `seq` grows with every mark (AUTOINCREMENT: never reused), so a
-- search can wait for exactly the writes acknowledged before it. The old in-file index is dropped: the
-- new index file, created empty, marks every live thread pending and is rebuilt from `threads.body`.
CREATE TABLE `threads_fts_pending` (
	`seq` integer PRIMARY KEY AUTOINCREMENT,
	`fts_rowid` integer NOT NULL UNIQUE
);
--> statement-breakpoint
DROP TABLE IF EXISTS `threads_fts`;
