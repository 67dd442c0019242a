CREATE TABLE `device_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`user_code` text NOT NULL,
	`status` text NOT NULL,
	`user_id` text,
	`client_name` text,
	`interval_s` text NOT NULL,
	`last_poll_at` text,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `device_codes_hash_unique` ON `device_codes` (`hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `device_codes_user_code_unique` ON `device_codes` (`user_code`);--> statement-breakpoint
CREATE TABLE `magic_links` (
	`id` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`email` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `magic_links_hash_unique` ON `magic_links` (`hash`);--> statement-breakpoint
CREATE INDEX `magic_links_email` ON `magic_links` (`email`);