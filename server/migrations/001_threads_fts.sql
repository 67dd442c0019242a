-- Hand-written: drizzle-kit does not generate FTS5 tables. Rows are kept in step with `threads` by the
-- thread store, in the same transaction as the thread write.
CREATE VIRTUAL TABLE `threads_fts` USING fts5(
	`id` UNINDEXED,
	`title`,
	`messages`,
	`git`,
	tokenize = 'unicode61 remove_diacritics 2'
);
