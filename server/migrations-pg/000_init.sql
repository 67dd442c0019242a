CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "threads" (
	"id" text PRIMARY KEY NOT NULL,
	"owner_id" text NOT NULL,
	"version" bigint NOT NULL,
	"workspace" text NOT NULL,
	"title" text,
	"visibility" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"body" text NOT NULL,
	"fts_rowid" bigint
);
--> statement-breakpoint
CREATE TABLE "tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"user_id" text NOT NULL,
	"hash" text NOT NULL,
	"created_at" text NOT NULL,
	"last_used_at" text,
	"revoked_at" text,
	"rate_limit_per_minute" bigint,
	CONSTRAINT "tokens_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "usage" (
	"day" text NOT NULL,
	"token_id" text NOT NULL,
	"user_id" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_day_token_id_provider_model_pk" PRIMARY KEY("day","token_id","provider","model")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "threads_fts_rowid" ON "threads" USING btree ("fts_rowid");--> statement-breakpoint
CREATE INDEX "threads_owner_updated" ON "threads" USING btree ("owner_id","updated_at");--> statement-breakpoint
CREATE INDEX "threads_workspace_updated" ON "threads" USING btree ("workspace","updated_at");