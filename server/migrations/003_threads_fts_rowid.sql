ALTER TABLE `threads` ADD `fts_rowid` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `threads_fts_rowid` ON `threads` (`fts_rowid`);