/**
 * What the routes need from the database, whichever it is. `sqlite-backend.ts` wraps the embedded
 * SQLite store (one process); `pg/backend.ts` is PostgreSQL, shared by several `loom serve` replicas.
 * Both pass the same route tests (`_backends.ts` runs them on each).
 *
 * Per-cluster state lives behind this interface: the If-Match check (inside the write transaction),
 * rate-limit buckets, usage rows, thread events (SSE fan-out) and periodic upkeep.
 */
import type { Thread, Visibility } from "@loom/runtime/thread";
import type { Accounts } from "../accounts/accounts.ts";
import type { Analytics } from "../analytics/analytics.ts";
import type { Principal } from "../auth/principal.ts";
import type { TokenRecord } from "../auth/tokens.ts";
import type { FlagsBackend } from "../flags/flags-backend.ts";
import type { RateLimiter } from "../proxy/rate-limit.ts";
import type { UsageQueue } from "../proxy/usage.ts";
import type { UsageReportItem, UsageScope } from "../proxy/usage-report.ts";
import type {
  ListOptions,
  PutOutcome,
  ScopedThread,
  ThreadRow,
  ThreadScope,
  ThreadSummary,
} from "../threads/store.ts";

export type Awaitable<T> = T | Promise<T>;

export interface ThreadStoreApi {
  get(id: string): Awaitable<ThreadRow | undefined>;
  /**
   * Creates when absent (in the writer's org when it is an org API key); otherwise requires `ifMatch`
   * equal to the stored version (checked in the transaction).
   */
  put(p: Principal, input: Thread, ifMatch: number | undefined): Promise<PutOutcome>;
  softDelete(id: string, now: Date): Promise<void>;
  /** New visibility and, when `scope` is given, the org (and team) it is shared with: one write, one event. */
  setVisibility(id: string, visibility: Visibility, scope?: ThreadScope): Promise<ScopedThread | undefined>;
  list(
    p: Principal,
    opts: ListOptions,
  ): Awaitable<{ items: ThreadSummary[]; nextCursor: string | null } | undefined>;
  search(p: Principal, q: string, limit: number): Awaitable<(ThreadSummary & { rank: number })[]>;
}

export interface TokenStore {
  create(o: {
    name: string;
    userId?: string;
    rateLimitPerMinute?: number;
    now?: Date;
  }): Awaitable<TokenRecord & { token: string }>;
  find(token: string): Awaitable<TokenRecord | undefined>;
  list(): Awaitable<(TokenRecord & { revokedAt: string | null })[]>;
  revoke(id: string, now?: Date): Awaitable<boolean>;
}

export interface UsageItem {
  day: string;
  tokenId: string;
  provider: string;
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** A committed thread write, as subscribers of `GET /api/threads/events` see it. */
export interface ThreadEvent {
  id: string;
  version: number;
  updatedAt: string;
  ownerId: string;
  visibility: string;
  /** The org (and team) the thread is in after the write: subscribers are filtered by the policy on them. */
  orgId: string | null;
  teamId: string | null;
  deleted: boolean;
}

export interface ThreadEvents {
  /** Calls `fn` for every committed thread write on the cluster; returns the unsubscribe. */
  subscribe(fn: (e: ThreadEvent) => void): () => void;
}

export interface Backend {
  kind: "sqlite" | "postgres";
  threads: ThreadStoreApi;
  tokens: TokenStore;
  /** Users, sessions, orgs and teams, API keys, the audit log (`accounts/`, one implementation over both). */
  accounts: Accounts;
  /** Product analytics: keys, events and persons, queries (`analytics/`, one implementation over both). */
  analytics: Analytics;
  usageRows(userId: string, from?: string, to?: string): Awaitable<UsageItem[]>;
  /** Usage per day, user, provider and model of one user or one org's members (`proxy/usage-report.ts`). */
  usageReport(
    scope: UsageScope,
    from: string,
    to: string,
  ): Promise<{ items: UsageReportItem[]; truncated: boolean }>;
  usage: UsageQueue;
  limiter: RateLimiter;
  events: ThreadEvents;
  /** Feature flags, kill switches, SDK keys and their change bus (LISTEN/NOTIFY on Postgres). */
  flags: FlagsBackend;
  /**
   * A counter that moves on every change to what a credential resolves to (SQLite: `auth_epoch`,
   * kept by triggers); the auth resolver remembers lookups while it stands still. Absent: no memory.
   */
  authEpoch?: () => number | undefined;
  /** Throws when the database does not answer (`/health`). */
  ping(): Awaitable<void>;
  /** Flushes usage and closes connections. */
  close(): Promise<void>;
}
