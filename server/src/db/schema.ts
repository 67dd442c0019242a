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
    /** The org (and team) a `team`/`organization` thread is shared with; null: the owner's server-wide scope. */
    orgId: text("org_id"),
    teamId: text("team_id"),
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

// ---- Accounts and access (specs/server.md "Accounts"). No integer columns: timestamps are ISO text,
// so rows read back the same from both databases.

/** A person. `email` is the verified address sign-in methods link by (lower-cased); null for users made from API tokens. */
export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").unique(),
  displayName: text("display_name").notNull(),
  createdAt: text("created_at").notNull(),
  /** Set by an admin: every session, token and key of the user stops at once. */
  disabledAt: text("disabled_at"),
});

/** Global roles: `system_admin`, `support`, `auditor`. */
export const userRoles = sqliteTable(
  "user_roles",
  {
    userId: text("user_id").notNull(),
    role: text("role").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.role] })],
);

/**
 * Sign-in sessions: web (cookie) and cli (bearer). The secret `ls_…` is stored as sha256 only; `id`
 * is the public handle (listing, revoking). Sliding expiry: each use moves `expires_at`.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    hash: text("hash").notNull().unique(),
    userId: text("user_id").notNull(),
    kind: text("kind").notNull(),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    revokedAt: text("revoked_at"),
    /** Set on an impersonation session: the system_admin acting as `user_id` (its expiry does not slide). */
    impersonatorId: text("impersonator_id"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const orgs = sqliteTable("orgs", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  createdAt: text("created_at").notNull(),
  createdBy: text("created_by").notNull(),
});

/** Org roles: owner, admin, member. */
export const orgMembers = sqliteTable(
  "org_members",
  {
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull(),
    role: text("role").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index("org_members_user").on(t.userId)],
);

export const teams = sqliteTable(
  "teams",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("teams_org_slug").on(t.orgId, t.slug)],
);

/** Team roles: maintainer, member. */
export const teamMembers = sqliteTable(
  "team_members",
  {
    teamId: text("team_id").notNull(),
    userId: text("user_id").notNull(),
    role: text("role").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index("team_members_user").on(t.userId)],
);

/** Invitations to an org by e-mail: the secret is sent once and stored as sha256; they expire. */
export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    email: text("email").notNull(),
    role: text("role").notNull(),
    hash: text("hash").notNull().unique(),
    invitedBy: text("invited_by").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    acceptedAt: text("accepted_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("invitations_org").on(t.orgId)],
);

/** A user asking to join an org; an org admin approves or declines. */
export const joinRequests = sqliteTable(
  "join_requests",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull(),
    createdAt: text("created_at").notNull(),
    /** approved | declined, or null while open. */
    decision: text("decision"),
    decidedBy: text("decided_by"),
    decidedAt: text("decided_at"),
  },
  (t) => [index("join_requests_org").on(t.orgId)],
);

/** Org API keys `lk_…`: sha256 stored, scopes space-separated, bounded by the creator's rights. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    hash: text("hash").notNull().unique(),
    scopes: text("scopes").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("api_keys_org").on(t.orgId)],
);

/** Security events. The API only appends and reads; ids are UUIDv7, so they sort by time. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    at: text("at").notNull(),
    actorId: text("actor_id"),
    /** The system_admin behind an impersonated actor. */
    impersonatorId: text("impersonator_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    orgId: text("org_id"),
    ip: text("ip"),
    /** JSON object with event details (never a secret). */
    detail: text("detail").notNull(),
  },
  (t) => [
    index("audit_log_at").on(t.at),
    index("audit_log_actor_at").on(t.actorId, t.at),
    index("audit_log_action_at").on(t.action, t.at),
  ],
);

/** Thread share links: a 48-hex token (stored as sha256), read-only, revocable, optional expiry. */
export const shareLinks = sqliteTable(
  "share_links",
  {
    id: text("id").primaryKey(),
    threadId: text("thread_id").notNull(),
    hash: text("hash").notNull().unique(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("share_links_thread").on(t.threadId)],
);

/** A thread's owner letting support staff read it, for 31 days. */
export const supportGrants = sqliteTable(
  "support_grants",
  {
    id: text("id").primaryKey(),
    threadId: text("thread_id").notNull(),
    grantedBy: text("granted_by").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("support_grants_thread").on(t.threadId)],
);

/**
 * Device-code sign-in (RFC 8628): the CLI holds `device_code` (stored as sha256), the person types
 * `user_code` after signing in in a browser. `status`: pending → approved (with `user_id`) or denied;
 * consumed once the CLI has its session. `interval_s` grows on `slow_down`.
 */
export const deviceCodes = sqliteTable("device_codes", {
  id: text("id").primaryKey(),
  hash: text("hash").notNull().unique(),
  userCode: text("user_code").notNull().unique(),
  status: text("status").notNull(),
  userId: text("user_id"),
  clientName: text("client_name"),
  intervalS: text("interval_s").notNull(),
  lastPollAt: text("last_poll_at"),
  createdAt: text("created_at").notNull(),
  expiresAt: text("expires_at").notNull(),
});

/** Magic sign-in links: the token is stored as sha256, single use, 10 minutes. */
export const magicLinks = sqliteTable(
  "magic_links",
  {
    id: text("id").primaryKey(),
    hash: text("hash").notNull().unique(),
    email: text("email").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
  },
  (t) => [index("magic_links_email").on(t.email)],
);

/**
 * Feature flags (specs/flags.md), one row per org and key. `definition` is the JSON of the flag's
 * variants, off variant, prerequisites and per-environment rules (`@loom/flags/types`); `version`
 * grows by one per write. Archived flags keep their row (`archived_at`) and can be restored.
 */
export const flags = sqliteTable(
  "flags",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    key: text("key").notNull(),
    kind: text("kind").notNull(),
    description: text("description").notNull(),
    definition: text("definition").notNull(),
    version: integer("version").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    archivedAt: text("archived_at"),
  },
  (t) => [uniqueIndex("flags_org_key").on(t.orgId, t.key)],
);

/** Kill switches: while `active` is 1 every flag in `flags` (JSON array of keys) is off everywhere. */
export const killSwitches = sqliteTable(
  "kill_switches",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    key: text("key").notNull(),
    description: text("description").notNull(),
    flags: text("flags").notNull(),
    active: integer("active").notNull(),
    reason: text("reason"),
    activatedAt: text("activated_at"),
    activatedBy: text("activated_by"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("kill_switches_org_key").on(t.orgId, t.key)],
);

/** Flag SDK keys `loom_sdk_{client|server}_{env}_{hex}`: sha256 stored, shown once, revocable. */
export const flagSdkKeys = sqliteTable(
  "flag_sdk_keys",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    kind: text("kind").notNull(),
    environment: text("environment").notNull(),
    hash: text("hash").notNull().unique(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("flag_sdk_keys_org").on(t.orgId)],
);

/**
 * Product analytics keys `loom_analytics_{write|rw}_…` (specs/analytics.md): stored as sha256, shown
 * once. `kind` write only sends events (safe in a browser); rw also reads and exports them.
 */
export const analyticsKeys = sqliteTable(
  "analytics_keys",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    hash: text("hash").notNull().unique(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("analytics_keys_org").on(t.orgId)],
);

/**
 * Analytics events, per org (`_server`: Loom's own product events). The person is not stored on the
 * event: it is the person its `distinct_id` maps to now, so merges reach events sent before them.
 */
export const analyticsEvents = sqliteTable(
  "analytics_events",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    distinctId: text("distinct_id").notNull(),
    /** ISO 8601 UTC, fixed width. */
    timestamp: text("timestamp").notNull(),
    /** JSON object. */
    properties: text("properties").notNull(),
  },
  (t) => [
    index("analytics_events_org_time").on(t.orgId, t.timestamp),
    index("analytics_events_org_name_time").on(t.orgId, t.name, t.timestamp),
    // Distinct ids alone (no org prefix): half the key, and ingest's costliest index (random keys).
    index("analytics_events_distinct").on(t.distinctId),
  ],
);

/** A person: merged identities with their properties; `identified` 1 once an identify named it. */
export const analyticsPersons = sqliteTable(
  "analytics_persons",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    identified: integer("identified").notNull(),
    /** JSON object. */
    properties: text("properties").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("analytics_persons_org").on(t.orgId)],
);

/** Which person each distinct id (anonymous UUIDv7, user id, alias) belongs to, per org. */
export const analyticsPersonIds = sqliteTable(
  "analytics_person_ids",
  {
    orgId: text("org_id").notNull(),
    distinctId: text("distinct_id").notNull(),
    personId: text("person_id").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.distinctId] }),
    index("analytics_person_ids_person").on(t.personId),
  ],
);
