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
import { type PutRequest, type PutRowOutcome, putRequest, putRow, putStatements } from "./put-row.ts";
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

/** The list and search answer for a row (both stores). */
export function threadSummary(r: ThreadRow): ThreadSummary {
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

/** A cursor `encodeCursor` made, or undefined for anything else (both stores). */
export function decodeCursor(c: string): [string, string] | undefined {
  try {
    const v = JSON.parse(Buffer.from(c, "base64url").toString("utf8"));
    return Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "string"
      ? [v[0], v[1]]
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a thread write's transaction somewhere else (the thread-writer worker of `loom serve`);
 * undefined when it cannot (the worker is gone), and the store runs it on this thread.
 */
export type PutRunner = (r: PutRequest) => Promise<PutRowOutcome> | undefined;

/**
 * `indexer`: the maintenance worker's in `loom serve`; by default indexing runs on this thread.
 * `runPut`: where a PUT's transaction runs; by default on this thread, through `writer`.
 */
export function createThreadStore(db: Db, writer: DbWriter, indexer?: SearchIndexer, runPut?: PutRunner) {
  const sqlite = db.$client;
  const search = searchConnection(sqlite);
  const fts = indexer ?? createInProcessIndexer(sqlite);
  const st = putStatements(sqlite);
  const { markPending } = st;

  // Prepared once: a query built by drizzle is prepared again on every call, which showed in a PUT's cost.
  const byId = sqlite.prepare<ThreadRow, [string]>(
    `SELECT id, owner_id AS ownerId, version, workspace, title, visibility, created_at AS createdAt,
            updated_at AS updatedAt, deleted_at AS deletedAt, body, fts_rowid AS ftsRowid,
            org_id AS orgId, team_id AS teamId
       FROM threads WHERE id = ?`,
  );
  const row = (id: string): ThreadRow | undefined => byId.get(id) ?? undefined;
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
      const req = putRequest(p.userId, orgOfWriter(p), input, ifMatch);
      const out = await (runPut?.(req) ?? writer.run(() => putRow(st, req)));
      if (out.kind === "conflict" || out.kind === "precondition_required" || out.kind === "forbidden")
        return out;
      fts.notify();
      const thread: Thread = { ...input, version: out.version, isPrivate: false };
      delete thread.deletedAt;
      return { kind: out.kind, thread, orgId: out.orgId, teamId: out.teamId };
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
        items: page.map(threadSummary),
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
      return rows.map((r) => ({ ...threadSummary(r), rank: r.rank }));
    },
  };
}

export type ThreadStore = ReturnType<typeof createThreadStore>;
