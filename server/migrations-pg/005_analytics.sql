CREATE TABLE "analytics_events" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"name" text NOT NULL,
	"distinct_id" text NOT NULL,
	"timestamp" text NOT NULL,
	"properties" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"hash" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" text NOT NULL,
	"revoked_at" text,
	CONSTRAINT "analytics_keys_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "analytics_person_ids" (
	"org_id" text NOT NULL,
	"distinct_id" text NOT NULL,
	"person_id" text NOT NULL,
	CONSTRAINT "analytics_person_ids_org_id_distinct_id_pk" PRIMARY KEY("org_id","distinct_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_persons" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"identified" bigint NOT NULL,
	"properties" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "analytics_events_org_time" ON "analytics_events" USING btree ("org_id","timestamp");--> statement-breakpoint
CREATE INDEX "analytics_events_org_name_time" ON "analytics_events" USING btree ("org_id","name","timestamp");--> statement-breakpoint
CREATE INDEX "analytics_events_distinct" ON "analytics_events" USING btree ("distinct_id");--> statement-breakpoint
CREATE INDEX "analytics_keys_org" ON "analytics_keys" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "analytics_person_ids_person" ON "analytics_person_ids" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "analytics_persons_org" ON "analytics_persons" USING btree ("org_id");