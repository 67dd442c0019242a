/**
 * Thread persistence: optimistic concurrency on `version`, soft delete, newest-first paging, FTS5 search.
 * Every write is one IMMEDIATE transaction (through the DbWriter, which waits for another process's
 * lock) and keeps `threads_fts` in step: the index is keyed by the thread's `fts_rowid`, so a write
 * deletes and inserts its own index rows only.
 */
import type { Thread, Visibility } from "@loom/runtime/thread";
import { and, desc, eq, isNull, lt, or, type SQL } from "drizzle-orm";
import type { Principal } from "../auth/principal.ts";
import type { Db } from "../db/open.ts";
import { threads } from "../db/schema.ts";
import type { DbWriter } from "../db/writer.ts";
import { ftsDocument, ftsQuery } from "./fts.ts";

export type ThreadRow = typeof threads.$inferSelect;

export type PutOutcome =
  | { kind: "created" | "updated"; thread: Thread }
  | { kind: "conflict"; currentVersion: number }
  | { kind: "precondition_required"; currentVersion: number }
  | { kind: "forbidden" };

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

export function createThreadStore(db: Db, writer: DbWriter) {
  const sqlite = db.$client;
  const ftsDelete = sqlite.prepare<unknown, [number]>("DELETE FROM threads_fts WHERE rowid = ?");
  const ftsInsert = sqlite.prepare<unknown, [number, string, string, string]>(
    "INSERT INTO threads_fts (rowid, title, messages, git) VALUES (?, ?, ?, ?)",
  );
  const nextFtsRowid = sqlite.prepare<{ n: number }, []>(
    "SELECT coalesce(max(fts_rowid), 0) + 1 AS n FROM threads",
  );

  /** Drops the thread's index rows if it has any (a live thread), so a deleted one leaves no tombstone. */
  const unindex = (cur: ThreadRow | undefined) => {
    if (cur && !cur.deletedAt && cur.ftsRowid !== null) ftsDelete.run(cur.ftsRowid);
  };
  const index = (ftsRowid: number, t: Thread) => {
    const doc = ftsDocument(t);
    ftsInsert.run(ftsRowid, doc.title, doc.messages, doc.git);
  };

  // Prepared once: a query built by drizzle is prepared again on every call, which showed in a PUT's cost.
  const byId = sqlite.prepare<ThreadRow, [string]>(
    `SELECT id, owner_id AS ownerId, version, workspace, title, visibility, created_at AS createdAt,
            updated_at AS updatedAt, deleted_at AS deletedAt, body, fts_rowid AS ftsRowid,
            org_id AS orgId, team_id AS teamId
       FROM threads WHERE id = ?`,
  );
  const row = (id: string): ThreadRow | undefined => byId.get(id) ?? undefined;
  const upsert = sqlite.prepare<
    unknown,
    [string, string, number, string, string | null, string, string, string, string, number]
  >(
    `INSERT INTO threads (id, owner_id, version, workspace, title, visibility, created_at, updated_at,
                          deleted_at, body, fts_rowid)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?10)
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
    put(p: Principal, input: Thread, ifMatch: number | undefined): Promise<PutOutcome> {
      return writer.run((): PutOutcome => {
        const cur = row(input.id);
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
        );
        unindex(cur);
        index(ftsRowid, thread);
        return { kind: cur ? "updated" : "created", thread };
      });
    },

    softDelete(id: string, now: Date): Promise<void> {
      return writer.run(() => {
        const cur = row(id);
        if (!cur) return;
        const body = {
          ...(JSON.parse(cur.body) as Thread),
          deletedAt: now.toISOString(),
          version: cur.version + 1,
        };
        db.update(threads)
          .set({ deletedAt: body.deletedAt, version: body.version, body: JSON.stringify(body) })
          .where(eq(threads.id, id))
          .run();
        unindex(cur);
      });
    },

    setVisibility(id: string, visibility: Visibility): Promise<Thread | undefined> {
      return writer.run(() => {
        const cur = row(id);
        if (!cur) return undefined;
        const body: Thread = { ...(JSON.parse(cur.body) as Thread), visibility, version: cur.version + 1 };
        db.update(threads)
          .set({ visibility, version: body.version, body: JSON.stringify(body) })
          .where(eq(threads.id, id))
          .run();
        return body;
      });
    },

    list(
      p: Principal,
      opts: { limit: number; cursor?: string; workspace?: string },
    ): { items: ThreadSummary[]; nextCursor: string | null } | undefined {
      const conds: SQL[] = [isNull(threads.deletedAt), readable(p)];
      if (opts.workspace) conds.push(eq(threads.workspace, opts.workspace));
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

    search(p: Principal, q: string, limit: number): (ThreadSummary & { rank: number })[] {
      const match = ftsQuery(q);
      if (!match) return [];
      const rows = sqlite
        .query<ThreadRow & { rank: number }, [string, string, number]>(
          `SELECT t.id, t.owner_id AS ownerId, t.version, t.workspace, t.title, t.visibility,
                  t.created_at AS createdAt, t.updated_at AS updatedAt, t.deleted_at AS deletedAt, '' AS body,
                  t.org_id AS orgId, t.team_id AS teamId, bm25(threads_fts, 10.0, 1.0, 5.0) AS rank
             FROM threads_fts JOIN threads t ON t.fts_rowid = threads_fts.rowid
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
