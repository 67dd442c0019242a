CREATE TABLE `flag_sdk_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`environment` text NOT NULL,
	`hash` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `flag_sdk_keys_hash_unique` ON `flag_sdk_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `flag_sdk_keys_org` ON `flag_sdk_keys` (`org_id`);--> statement-breakpoint
CREATE TABLE `flags` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`description` text NOT NULL,
	`definition` text NOT NULL,
	`version` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`archived_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `flags_org_key` ON `flags` (`org_id`,`key`);--> statement-breakpoint
CREATE TABLE `kill_switches` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`key` text NOT NULL,
	`description` text NOT NULL,
	`flags` text NOT NULL,
	`active` integer NOT NULL,
	`reason` text,
	`activated_at` text,
	`activated_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kill_switches_org_key` ON `kill_switches` (`org_id`,`key`);