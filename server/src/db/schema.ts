/**
 * The server's tables. Thread bodies are stored whole (validated JSON); the columns beside them
 * exist for listing, filtering and access checks. Full-text search lives in its own database file
 * (`threads/fts-index.ts`: FTS5, contentless-delete, keyed by `threads.fts_rowid`); thread writes mark
 * their thread in `threads_fts_pending` (hand-written migration 005) for the indexer.
 */
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const tokens = sqliteTable("tokens", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** The principal the token acts for; one user per token until accounts arrive. */
  userId: text("user_id").notNull(),
  /** sha256 hex of the full `lt_…` token; the token itself is never stored. */
  hash: text("hash").notNull().unique(),
  createdAt: text("created_at").notNull(),
  lastUsedAt: text("last_used_at"),
  revokedAt: text("revoked_at"),
  /** Proxy requests per minute for this token; null means the server default. */
  rateLimitPerMinute: integer("rate_limit_per_minute"),
});

export const threads = sqliteTable(
  "threads",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    version: integer("version").notNull(),
    workspace: text("workspace").notNull(),
    title: text("title"),
    visibility: text("visibility").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    deletedAt: text("deleted_at"),
    /** The whole thread as JSON, with the server's version. */
    body: text("body").notNull(),
    /**
     * The thread's rowid in the search index (assigned once, on insert): the index is keyed by it, so
     * indexing a write touches only its own rows. Not the table's implicit rowid, which VACUUM may renumber.
     */
    ftsRowid: integer("fts_rowid"),
  },
  (t) => [
    uniqueIndex("threads_fts_rowid").on(t.ftsRowid),
    index("threads_owner_updated").on(t.ownerId, t.updatedAt),
    index("threads_workspace_updated").on(t.workspace, t.updatedAt),
  ],
);

/** Proxy usage per token, provider, model and UTC day. */
export const usage = sqliteTable(
  "usage",
  {
    day: text("day").notNull(),
    tokenId: text("token_id").notNull(),
    userId: text("user_id").notNull(),
    provider: text("provider").notNull(),
    model: text("model").notNull(),
    requests: integer("requests").notNull().default(0),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    costUsd: real("cost_usd").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.day, t.tokenId, t.provider, t.model] })],
);

/**
 * Proxy rate-limit buckets (one per token) when several replicas share a Postgres database: the
 * bucket is taken by one atomic UPDATE there. A SQLite server is one process and keeps its buckets in
 * memory; the table exists on both so the schema has one shape.
 */
export const rateLimits = sqliteTable("rate_limits", {
  key: text("key").primaryKey(),
  tokens: real("tokens").notNull(),
  /** When `tokens` was last computed, ms since the epoch. */
  at: integer("at").notNull(),
});
