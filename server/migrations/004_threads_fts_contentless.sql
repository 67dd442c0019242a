-- Hand-written (drizzle-kit does not generate FTS5 tables). The first threads_fts kept each thread's id
-- in an UNINDEXED column, so every write's `DELETE … WHERE id = ?` scanned the whole index. This one is
-- contentless-delete and keyed by `threads.fts_rowid`: a write deletes and inserts its own rows only,
-- and the thread text is no longer stored twice. The indexed text is copied over unchanged.
UPDATE `threads` SET `fts_rowid` = rowid WHERE `fts_rowid` IS NULL;
--> statement-breakpoint
ALTER TABLE `threads_fts` RENAME TO `threads_fts_old`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `threads_fts` USING fts5(
	`title`,
	`messages`,
	`git`,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
INSERT INTO `threads_fts` (rowid, `title`, `messages`, `git`)
	SELECT t.`fts_rowid`, o.`title`, o.`messages`, o.`git`
	  FROM `threads_fts_old` o JOIN `threads` t ON t.`id` = o.`id`
	 WHERE t.`deleted_at` IS NULL;
--> statement-breakpoint
DROP TABLE `threads_fts_old`;
