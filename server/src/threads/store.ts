/**
 * Thread persistence: optimistic concurrency on `version`, soft delete, newest-first paging, FTS5 search.
 * Every write is one IMMEDIATE transaction (through the DbWriter, which waits for another process's
 * lock). The full-text index is off the request path (`fts-index.ts`): a write marks its thread's
 * `fts_rowid` pending in the same transaction and tells the indexer; a search first waits until every
 * write acknowledged before it is indexed, then queries the index.
 */
import type { Thread, Visibility } from "@loom/runtime/thread";
import { and, desc, eq, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { Principal } from "../auth/principal.ts";
import type { Db } from "../db/open.ts";
import { threads } from "../db/schema.ts";
import type { DbWriter } from "../db/writer.ts";
import { ftsQuery } from "./fts.ts";
import { searchConnection } from "./fts-index.ts";
import { createInProcessIndexer, type SearchIndexer } from "./search-indexer.ts";

export type ThreadRow = typeof threads.$inferSelect;

export type PutOutcome =
  /** `orgId`/`teamId`: the org (and team) the stored thread is in after the write. */
  | { kind: "created" | "updated"; thread: Thread; orgId: string | null; teamId: string | null }
  | { kind: "conflict"; currentVersion: number }
  | { kind: "precondition_required"; currentVersion: number }
  | { kind: "forbidden" };

export interface ListOptions {
  limit: number;
  cursor?: string;
  workspace?: string;
  visibility?: Visibility;
  /** The git remote (`git.remote` in the body; the client strips credentials from it). */
  repo?: string;
}

export interface ThreadScope {
  orgId: string | null;
  teamId: string | null;
}

export type ScopedThread = ThreadScope & { thread: Thread };

export interface ThreadSummary {
  id: string;
  version: number;
  title: string | null;
  workspace: string;
  visibility: string;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
  orgId: string | null;
  teamId: string | null;
}

/** A thread created through an org API key belongs to the key's org; others start in none. */
export function orgOfWriter(p: Principal): string | null {
  return p.subject?.kind === "apikey" ? p.subject.orgId : null;
}

/** A valid timestamp as `toISOString()` UTC; anything else unchanged (the route rejects it first). */
function utc(ts: string): string {
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? ts : new Date(ms).toISOString();
}

function summary(r: ThreadRow): ThreadSummary {
  return {
    id: r.id,
    version: r.version,
    title: r.title,
    workspace: r.workspace,
    visibility: r.visibility,
    ownerId: r.ownerId,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    orgId: r.orgId ?? null,
    teamId: r.teamId ?? null,
  };
}

export function encodeCursor(r: { updatedAt: string; id: string }): string {
  return Buffer.from(JSON.stringify([r.updatedAt, r.id])).toString("base64url");
}

function decodeCursor(c: string): [string, string] | undefined {
  try {
    const v = JSON.parse(Buffer.from(c, "base64url").toString("utf8"));
    return Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "string"
      ? [v[0], v[1]]
      : undefined;
  } catch {
    return undefined;
  }
}

/** `indexer`: the maintenance worker's in `loom serve`; by default indexing runs on this thread. */
export function createThreadStore(db: Db, writer: DbWriter, indexer?: SearchIndexer) {
  const sqlite = db.$client;
  const search = searchConnection(sqlite);
  const fts = indexer ?? createInProcessIndexer(sqlite);
  /** (Re)index this thread: a fresh mark (new `seq`) replaces an older one. */
  const markPending = sqlite.prepare<unknown, [number]>(
    "INSERT OR REPLACE INTO threads_fts_pending (fts_rowid) VALUES (?)",
  );
  const nextFtsRowid = sqlite.prepare<{ n: number }, []>(
    "SELECT coalesce(max(fts_rowid), 0) + 1 AS n FROM threads",
  );

  // Prepared once: a query built by drizzle is prepared again on every call, which showed in a PUT's cost.
  const byId = sqlite.prepare<ThreadRow, [string]>(
    `SELECT id, owner_id AS ownerId, version, workspace, title, visibility, created_at AS createdAt,
            updated_at AS updatedAt, deleted_at AS deletedAt, body, fts_rowid AS ftsRowid,
            org_id AS orgId, team_id AS teamId
       FROM threads WHERE id = ?`,
  );
  const row = (id: string): ThreadRow | undefined => byId.get(id) ?? undefined;
  /** What a write decides on, without the body (~15 KB a thread: reading it showed in a PUT's cost). */
  const headOf = sqlite.prepare<
    Pick<ThreadRow, "ownerId" | "version" | "deletedAt" | "ftsRowid" | "orgId" | "teamId">,
    [string]
  >(
    `SELECT owner_id AS ownerId, version, deleted_at AS deletedAt, fts_rowid AS ftsRowid,
            org_id AS orgId, team_id AS teamId
       FROM threads WHERE id = ?`,
  );
  const upsert = sqlite.prepare<
    unknown,
    [string, string, number, string, string | null, string, string, string, string, number, string | null]
  >(
    // The org is set on insert only: a later write keeps the thread where it is.
    `INSERT INTO threads (id, owner_id, version, workspace, title, visibility, created_at, updated_at,
                          deleted_at, body, fts_rowid, org_id)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?10, ?11)
     ON CONFLICT (id) DO UPDATE SET owner_id = ?2, version = ?3, workspace = ?4, title = ?5,
       visibility = ?6, created_at = ?7, updated_at = ?8, deleted_at = NULL, body = ?9, fts_rowid = ?10`,
  );

  const readable = (p: Principal): SQL =>
    or(
      eq(threads.ownerId, p.userId),
      eq(threads.visibility, "team"),
      eq(threads.visibility, "organization"),
      eq(threads.visibility, "public"),
    ) as SQL;

  return {
    get: row,

    /** Creates when absent; otherwise requires `ifMatch` equal to the stored version. */
    async put(p: Principal, input: Thread, ifMatch: number | undefined): Promise<PutOutcome> {
      const out = await writer.run((): PutOutcome => {
        const cur = headOf.get(input.id) ?? undefined;
        if (cur && cur.ownerId !== p.userId) return { kind: "forbidden" };
        // A soft-deleted thread written again comes back (its version keeps counting): nothing is lost.
        const live = cur && !cur.deletedAt ? cur : undefined;
        if (live && ifMatch === undefined)
          return { kind: "precondition_required", currentVersion: live.version };
        if (live && ifMatch !== live.version) return { kind: "conflict", currentVersion: live.version };
        const version = (cur?.version ?? 0) + 1;
        const thread: Thread = { ...input, version, isPrivate: false };
        delete thread.deletedAt;
        const ftsRowid = cur?.ftsRowid ?? nextFtsRowid.get()?.n ?? 1;
        upsert.run(
          thread.id,
          p.userId,
          version,
          thread.workspace,
          thread.title ?? null,
          thread.visibility,
          // Columns hold UTC so that ordering and cursors compare like with like (`+02:00` offsets too).
          utc(thread.createdAt),
          utc(thread.updatedAt),
          JSON.stringify(thread),
          ftsRowid,
          orgOfWriter(p),
        );
        markPending.run(ftsRowid);
        return cur
          ? { kind: "updated", thread, orgId: cur.orgId ?? null, teamId: cur.teamId ?? null }
          : { kind: "created", thread, orgId: orgOfWriter(p), teamId: null };
      });
      if (out.kind === "created" || out.kind === "updated") fts.notify();
      return out;
    },

    async softDelete(id: string, now: Date): Promise<void> {
      const marked = await writer.run((): boolean => {
        const cur = row(id);
        if (!cur) return false;
        const body = {
          ...(JSON.parse(cur.body) as Thread),
          deletedAt: now.toISOString(),
          version: cur.version + 1,
        };
        db.update(threads)
          .set({ deletedAt: body.deletedAt, version: body.version, body: JSON.stringify(body) })
          .where(eq(threads.id, id))
          .run();
        // Searches skip deleted threads at once (they join on `deleted_at IS NULL`); the mark drops the
        // index rows. A row from before `fts_rowid` existed was never indexed: nothing to drop.
        if (cur.ftsRowid === null) return false;
        markPending.run(cur.ftsRowid);
        return true;
      });
      if (marked) fts.notify();
    },

    /** New visibility and, when `scope` is given, the org (and team) it is shared with, in one write. */
    setVisibility(
      id: string,
      visibility: Visibility,
      scope?: ThreadScope,
    ): Promise<ScopedThread | undefined> {
      return writer.run(() => {
        const cur = row(id);
        if (!cur) return undefined;
        const body: Thread = { ...(JSON.parse(cur.body) as Thread), visibility, version: cur.version + 1 };
        const to = scope ?? { orgId: cur.orgId ?? null, teamId: cur.teamId ?? null };
        db.update(threads)
          .set({ visibility, version: body.version, body: JSON.stringify(body), ...to })
          .where(eq(threads.id, id))
          .run();
        return { thread: body, ...to };
      });
    },

    list(p: Principal, opts: ListOptions): { items: ThreadSummary[]; nextCursor: string | null } | undefined {
      const conds: SQL[] = [isNull(threads.deletedAt), readable(p)];
      if (opts.workspace) conds.push(eq(threads.workspace, opts.workspace));
      if (opts.visibility) conds.push(eq(threads.visibility, opts.visibility));
      // No column for the remote: read from the body while walking the newest-first order.
      if (opts.repo) conds.push(sql`json_extract(${threads.body}, '$.git.remote') = ${opts.repo}`);
      if (opts.cursor) {
        const c = decodeCursor(opts.cursor);
        if (!c) return undefined;
        conds.push(
          or(lt(threads.updatedAt, c[0]), and(eq(threads.updatedAt, c[0]), lt(threads.id, c[1]))) as SQL,
        );
      }
      const rows = db
        .select()
        .from(threads)
        .where(and(...conds))
        .orderBy(desc(threads.updatedAt), desc(threads.id))
        .limit(opts.limit + 1)
        .all();
      const page = rows.slice(0, opts.limit);
      const last = page.at(-1);
      return {
        items: page.map(summary),
        nextCursor: rows.length > opts.limit && last ? encodeCursor(last) : null,
      };
    },

    async search(p: Principal, q: string, limit: number): Promise<(ThreadSummary & { rank: number })[]> {
      const match = ftsQuery(q);
      if (!match) return [];
      await fts.catchUp();
      const rows = search
        .query<ThreadRow & { rank: number }, [string, string, number]>(
          `SELECT t.id, t.owner_id AS ownerId, t.version, t.workspace, t.title, t.visibility,
                  t.created_at AS createdAt, t.updated_at AS updatedAt, t.deleted_at AS deletedAt, '' AS body,
                  t.org_id AS orgId, t.team_id AS teamId, bm25(threads_fts, 10.0, 1.0, 5.0) AS rank
             FROM search.threads_fts JOIN main.threads t ON t.fts_rowid = threads_fts.rowid
            WHERE threads_fts MATCH ?1 AND t.deleted_at IS NULL
              AND (t.owner_id = ?2 OR t.visibility != 'private')
            ORDER BY rank, t.updated_at DESC
            LIMIT ?3`,
        )
        .all(match, p.userId, limit);
      return rows.map((r) => ({ ...summary(r), rank: r.rank }));
    },
  };
}

export type ThreadStore = ReturnType<typeof createThreadStore>;
