/**
 * A thread write's transaction, alone: decide on the stored head (owner, version, If-Match), then
 * upsert the row and mark it for the search index. Plain data in and out, so the same code runs on
 * the server's thread or on the thread-writer worker (`write-worker.ts`), which keeps a PUT's SQLite
 * work (a 15 KB row, its index entries, the commit) off the event loop.
 * @example
 * const st = putStatements(sqlite);
 * const out = await writer.run(() => putRow(st, putRequest(principalUserId, orgId, thread, ifMatch)));
 */
import type { Database } from "bun:sqlite";
import type { Thread } from "@loom/runtime/thread";

export interface PutRequest {
  id: string;
  userId: string;
  /** The org a new thread lands in (an org API key's); an existing thread keeps its own. */
  orgId: string | null;
  ifMatch: number | undefined;
  workspace: string;
  title: string | null;
  visibility: string;
  /** UTC (`toISOString()`), so that ordering and cursors compare like with like. */
  createdAt: string;
  updatedAt: string;
  /** The body's JSON without `version`, which the write decides (`withVersion`). */
  rest: string;
}

export type PutRowOutcome =
  | { kind: "created" | "updated"; version: number; orgId: string | null; teamId: string | null }
  | { kind: "conflict"; currentVersion: number }
  | { kind: "precondition_required"; currentVersion: number }
  | { kind: "forbidden" };

/** A valid timestamp as `toISOString()` UTC; anything else unchanged (the route rejects it first). */
export function utc(ts: string): string {
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? ts : new Date(ms).toISOString();
}

/** What the server's thread prepares for a write: the columns, and the body serialised once. */
export function putRequest(
  userId: string,
  orgId: string | null,
  input: Thread,
  ifMatch: number | undefined,
): PutRequest {
  return {
    id: input.id,
    userId,
    orgId,
    ifMatch,
    workspace: input.workspace,
    title: input.title ?? null,
    visibility: input.visibility,
    createdAt: utc(input.createdAt),
    updatedAt: utc(input.updatedAt),
    // A synced thread is never private and a write brings a deleted one back.
    rest: JSON.stringify({ ...input, version: undefined, isPrivate: false, deletedAt: undefined }),
  };
}

/** The stored body: `rest` with the version the write gave it, first. */
export function withVersion(rest: string, version: number): string {
  return rest === "{}" ? `{"version":${version}}` : `{"version":${version},${rest.slice(1)}`;
}

export function putStatements(sqlite: Database) {
  return {
    /** What a write decides on, without the body (~15 KB a thread: reading it showed in a PUT's cost). */
    head: sqlite.prepare<
      {
        ownerId: string;
        version: number;
        deletedAt: string | null;
        ftsRowid: number | null;
        orgId: string | null;
        teamId: string | null;
      },
      [string]
    >(
      `SELECT owner_id AS ownerId, version, deleted_at AS deletedAt, fts_rowid AS ftsRowid,
              org_id AS orgId, team_id AS teamId
         FROM threads WHERE id = ?`,
    ),
    nextFtsRowid: sqlite.prepare<{ n: number }, []>(
      "SELECT coalesce(max(fts_rowid), 0) + 1 AS n FROM threads",
    ),
    upsert: sqlite.prepare<
      unknown,
      [string, string, number, string, string | null, string, string, string, string, number, string | null]
    >(
      // The org is set on insert only: a later write keeps the thread where it is.
      `INSERT INTO threads (id, owner_id, version, workspace, title, visibility, created_at, updated_at,
                            deleted_at, body, fts_rowid, org_id)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?10, ?11)
       ON CONFLICT (id) DO UPDATE SET owner_id = ?2, version = ?3, workspace = ?4, title = ?5,
         visibility = ?6, created_at = ?7, updated_at = ?8, deleted_at = NULL, body = ?9, fts_rowid = ?10`,
    ),
    /** (Re)index this thread: a fresh mark (new `seq`) replaces an older one. */
    markPending: sqlite.prepare<unknown, [number]>(
      "INSERT OR REPLACE INTO threads_fts_pending (fts_rowid) VALUES (?)",
    ),
  };
}

export type PutStatements = ReturnType<typeof putStatements>;

/** Runs inside the caller's IMMEDIATE transaction. Creates when absent; otherwise If-Match must match. */
export function putRow(st: PutStatements, r: PutRequest): PutRowOutcome {
  const cur = st.head.get(r.id) ?? undefined;
  if (cur && cur.ownerId !== r.userId) return { kind: "forbidden" };
  // A soft-deleted thread written again comes back (its version keeps counting): nothing is lost.
  const live = cur && !cur.deletedAt ? cur : undefined;
  if (live && r.ifMatch === undefined) return { kind: "precondition_required", currentVersion: live.version };
  if (live && r.ifMatch !== live.version) return { kind: "conflict", currentVersion: live.version };
  const version = (cur?.version ?? 0) + 1;
  const ftsRowid = cur?.ftsRowid ?? st.nextFtsRowid.get()?.n ?? 1;
  st.upsert.run(
    r.id,
    r.userId,
    version,
    r.workspace,
    r.title,
    r.visibility,
    r.createdAt,
    r.updatedAt,
    withVersion(r.rest, version),
    ftsRowid,
    r.orgId,
  );
  st.markPending.run(ftsRowid);
  return cur
    ? { kind: "updated", version, orgId: cur.orgId, teamId: cur.teamId }
    : { kind: "created", version, orgId: r.orgId, teamId: null };
}
