CREATE TABLE "device_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"user_code" text NOT NULL,
	"status" text NOT NULL,
	"user_id" text,
	"client_name" text,
	"interval_s" text NOT NULL,
	"last_poll_at" text,
	"created_at" text NOT NULL,
	"expires_at" text NOT NULL,
	CONSTRAINT "device_codes_hash_unique" UNIQUE("hash"),
	CONSTRAINT "device_codes_user_code_unique" UNIQUE("user_code")
);
--> statement-breakpoint
CREATE TABLE "magic_links" (
	"id" text PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"email" text NOT NULL,
	"created_at" text NOT NULL,
	"expires_at" text NOT NULL,
	"used_at" text,
	CONSTRAINT "magic_links_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE INDEX "magic_links_email" ON "magic_links" USING btree ("email");