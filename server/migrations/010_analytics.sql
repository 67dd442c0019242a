CREATE TABLE `analytics_events` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`distinct_id` text NOT NULL,
	`timestamp` text NOT NULL,
	`properties` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `analytics_events_org_time` ON `analytics_events` (`org_id`,`timestamp`);--> statement-breakpoint
CREATE INDEX `analytics_events_org_name_time` ON `analytics_events` (`org_id`,`name`,`timestamp`);--> statement-breakpoint
CREATE INDEX `analytics_events_distinct` ON `analytics_events` (`distinct_id`);--> statement-breakpoint
CREATE TABLE `analytics_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`hash` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `analytics_keys_hash_unique` ON `analytics_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `analytics_keys_org` ON `analytics_keys` (`org_id`);--> statement-breakpoint
CREATE TABLE `analytics_person_ids` (
	`org_id` text NOT NULL,
	`distinct_id` text NOT NULL,
	`person_id` text NOT NULL,
	PRIMARY KEY(`org_id`, `distinct_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_person_ids_person` ON `analytics_person_ids` (`person_id`);--> statement-breakpoint
CREATE TABLE `analytics_persons` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`identified` integer NOT NULL,
	`properties` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `analytics_persons_org` ON `analytics_persons` (`org_id`);