/**
 * Threads on PostgreSQL: the same API and answers as the SQLite store (`threads/store.ts`).
 * - The If-Match check is transactional: a write locks the thread's row (`SELECT … FOR UPDATE`) before
 *   comparing versions, so of many concurrent writers with the same If-Match across any number of
 *   replicas exactly one wins; two creators of a new id meet at the primary key and the loser is
 *   retried, then sees the winner's row (428/412 as on SQLite).
 * - Search: `threads_fts` holds one weighted tsvector per live thread (A title + tags, B git, D
 *   messages; 'simple' configuration: lower-cased words, no stemming, like FTS5's unicode61), keyed by
 *   `threads.fts_rowid` from a sequence, with a GIN index. Ranked by `ts_rank` with weights 10/5/1
 *   (as the FTS5 bm25 weights), then recency; `rank` is answered negated, lower first, as bm25's.
 * - Each committed write is announced with `pg_notify` inside its transaction (`pg/events.ts`), so
 *   every replica's subscribers hear of it, and only once it is committed.
 */
import type { Thread, Visibility } from "@loom/runtime/thread";
import type { Principal } from "../../auth/principal.ts";
import { ftsDocument } from "../../threads/fts.ts";
import { utc } from "../../threads/put-row.ts";
import {
  decodeCursor,
  encodeCursor,
  orgOfWriter,
  type PutOutcome,
  type ThreadRow,
  type ThreadScope,
  threadSummary,
} from "../../threads/store.ts";
import type { ThreadEvent, ThreadStoreApi } from "../backend.ts";
import { THREAD_EVENTS_CHANNEL } from "./events.ts";
import { ftsText, tsQuery } from "./tsquery.ts";

const COLS = `id, owner_id AS "ownerId", version, workspace, title, visibility, created_at AS "createdAt",
  updated_at AS "updatedAt", deleted_at AS "deletedAt", body, fts_rowid AS "ftsRowid",
  org_id AS "orgId", team_id AS "teamId"`;

type Raw = Omit<ThreadRow, "version" | "ftsRowid"> & { version: string | number; ftsRowid: string | null };

const toRow = (r: Raw): ThreadRow => ({
  ...r,
  version: Number(r.version),
  ftsRowid: r.ftsRowid === null ? null : Number(r.ftsRowid),
});

const UNIQUE_VIOLATION = "23505";
const isUniqueViolation = (e: unknown) => (e as { errno?: unknown })?.errno === UNIQUE_VIOLATION;

export function createPgThreadStore(sql: Bun.SQL): ThreadStoreApi {
  type Tx = Bun.SQL;
  const lockRow = async (tx: Tx, id: string) => {
    const rows: Raw[] = await tx.unsafe(`SELECT ${COLS} FROM threads WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? toRow(rows[0]) : undefined;
  };
  const notify = (tx: Tx, e: ThreadEvent) =>
    tx`SELECT pg_notify(${THREAD_EVENTS_CHANNEL}, ${JSON.stringify(e)})`;
  const index = async (tx: Tx, rowid: number, t: Thread) => {
    const doc = ftsDocument(t);
    const d = { title: ftsText(doc.title), git: ftsText(doc.git), messages: ftsText(doc.messages) };
    await tx`
      INSERT INTO threads_fts (rowid, document) VALUES (${rowid},
        setweight(to_tsvector('simple', ${d.title}), 'A') || setweight(to_tsvector('simple', ${d.git}), 'B')
        || setweight(to_tsvector('simple', ${d.messages}), 'D'))
      ON CONFLICT (rowid) DO UPDATE SET document = excluded.document`;
  };
  const unindex = (tx: Tx, rowid: number | null) =>
    rowid === null ? undefined : tx`DELETE FROM threads_fts WHERE rowid = ${rowid}`;

  const putOnce = (p: Principal, input: Thread, ifMatch: number | undefined) =>
    sql.begin(async (tx): Promise<PutOutcome> => {
      const cur = await lockRow(tx, input.id);
      if (cur && cur.ownerId !== p.userId) return { kind: "forbidden" };
      const live = cur && !cur.deletedAt ? cur : undefined;
      if (live && ifMatch === undefined)
        return { kind: "precondition_required", currentVersion: live.version };
      if (live && ifMatch !== live.version) return { kind: "conflict", currentVersion: live.version };
      const version = (cur?.version ?? 0) + 1;
      const thread: Thread = { ...input, version, isPrivate: false };
      delete thread.deletedAt;
      const body = JSON.stringify(thread);
      const createdAt = utc(thread.createdAt);
      const updatedAt = utc(thread.updatedAt);
      const title = thread.title ?? null;
      let rowid = cur?.ftsRowid ?? null;
      if (cur) {
        await tx`UPDATE threads SET version = ${version}, workspace = ${thread.workspace}, title = ${title},
            visibility = ${thread.visibility}, created_at = ${createdAt}, updated_at = ${updatedAt},
            deleted_at = NULL, body = ${body}, fts_rowid = coalesce(fts_rowid, nextval('threads_fts_rowid_seq'))
          WHERE id = ${thread.id}`;
        if (rowid === null) {
          const r: { rowid: string }[] =
            await tx`SELECT fts_rowid AS rowid FROM threads WHERE id = ${thread.id}`;
          rowid = Number(r[0]?.rowid);
        }
      } else {
        const r: { rowid: string }[] = await tx`
          INSERT INTO threads (id, owner_id, version, workspace, title, visibility, created_at, updated_at,
                               deleted_at, body, fts_rowid, org_id)
          VALUES (${thread.id}, ${p.userId}, ${version}, ${thread.workspace}, ${title}, ${thread.visibility},
                  ${createdAt}, ${updatedAt}, NULL, ${body}, nextval('threads_fts_rowid_seq'), ${orgOfWriter(p)})
          RETURNING fts_rowid AS rowid`;
        rowid = Number(r[0]?.rowid);
      }
      await index(tx, rowid, thread);
      // The org is set on insert only: a later write keeps the thread where it is.
      const scope = cur
        ? { orgId: cur.orgId ?? null, teamId: cur.teamId ?? null }
        : { orgId: orgOfWriter(p), teamId: null };
      await notify(tx, {
        id: thread.id,
        version,
        updatedAt: thread.updatedAt,
        ownerId: p.userId,
        visibility: thread.visibility,
        ...scope,
        deleted: false,
      });
      return { kind: cur ? "updated" : "created", thread, ...scope };
    });

  const readable = (p: Principal) => sql`(owner_id = ${p.userId} OR visibility <> 'private')`;

  return {
    async get(id) {
      const rows: Raw[] = await sql.unsafe(`SELECT ${COLS} FROM threads WHERE id = $1`, [id]);
      return rows[0] ? toRow(rows[0]) : undefined;
    },

    async put(p, input, ifMatch) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await putOnce(p, input, ifMatch);
        } catch (e) {
          // Another replica created the same id between our read and our insert: its row is there now.
          if (!isUniqueViolation(e) || attempt >= 3) throw e;
        }
      }
    },

    async softDelete(id, now) {
      await sql.begin(async (tx) => {
        const cur = await lockRow(tx, id);
        if (!cur) return;
        const body = {
          ...(JSON.parse(cur.body) as Thread),
          deletedAt: now.toISOString(),
          version: cur.version + 1,
        };
        await tx`UPDATE threads SET deleted_at = ${body.deletedAt}, version = ${body.version},
            body = ${JSON.stringify(body)} WHERE id = ${id}`;
        if (!cur.deletedAt) await unindex(tx, cur.ftsRowid);
        await notify(tx, {
          id,
          version: body.version,
          updatedAt: cur.updatedAt,
          ownerId: cur.ownerId,
          visibility: cur.visibility,
          orgId: cur.orgId ?? null,
          teamId: cur.teamId ?? null,
          deleted: true,
        });
      });
    },

    setVisibility(id: string, visibility: Visibility, scope?: ThreadScope) {
      return sql.begin(async (tx) => {
        const cur = await lockRow(tx, id);
        if (!cur) return undefined;
        const body: Thread = { ...(JSON.parse(cur.body) as Thread), visibility, version: cur.version + 1 };
        const to = scope ?? { orgId: cur.orgId ?? null, teamId: cur.teamId ?? null };
        await tx`UPDATE threads SET visibility = ${visibility}, version = ${body.version},
            body = ${JSON.stringify(body)}, org_id = ${to.orgId}, team_id = ${to.teamId} WHERE id = ${id}`;
        await notify(tx, {
          id,
          version: body.version,
          updatedAt: cur.updatedAt,
          ownerId: cur.ownerId,
          visibility,
          ...to,
          deleted: Boolean(cur.deletedAt),
        });
        return { thread: body, ...to };
      });
    },

    async list(p, opts) {
      let after = sql``;
      if (opts.cursor) {
        const c = decodeCursor(opts.cursor);
        if (!c) return undefined;
        after = sql`AND (updated_at < ${c[0]} OR (updated_at = ${c[0]} AND id < ${c[1]}))`;
      }
      const ws = opts.workspace ? sql`AND workspace = ${opts.workspace}` : sql``;
      const vis = opts.visibility ? sql`AND visibility = ${opts.visibility}` : sql``;
      const repo = opts.repo ? sql`AND (body::jsonb) -> 'git' ->> 'remote' = ${opts.repo}` : sql``;
      const rows: Raw[] = await sql`
        SELECT id, owner_id AS "ownerId", version, workspace, title, visibility, created_at AS "createdAt",
               updated_at AS "updatedAt", deleted_at AS "deletedAt", '' AS body, fts_rowid AS "ftsRowid",
               org_id AS "orgId", team_id AS "teamId"
          FROM threads
         WHERE deleted_at IS NULL AND ${readable(p)} ${ws} ${vis} ${repo} ${after}
         ORDER BY updated_at DESC, id DESC
         LIMIT ${opts.limit + 1}`;
      const page = rows.slice(0, opts.limit).map(toRow);
      const last = page.at(-1);
      return {
        items: page.map(threadSummary),
        nextCursor: rows.length > opts.limit && last ? encodeCursor(last) : null,
      };
    },

    async search(p, q, limit) {
      const query = tsQuery(q);
      if (!query) return [];
      const rows: (Raw & { rank: number })[] = await sql`
        SELECT t.id, t.owner_id AS "ownerId", t.version, t.workspace, t.title, t.visibility,
               t.created_at AS "createdAt", t.updated_at AS "updatedAt", t.deleted_at AS "deletedAt",
               '' AS body, t.fts_rowid AS "ftsRowid", t.org_id AS "orgId", t.team_id AS "teamId",
               -ts_rank('{0.1, 0, 0.5, 1.0}', f.document, q.q)::float8 AS rank
          FROM to_tsquery('simple', ${query}) AS q(q), threads_fts f
          JOIN threads t ON t.fts_rowid = f.rowid
         WHERE f.document @@ q.q AND t.deleted_at IS NULL AND ${readable(p)}
         ORDER BY rank, t.updated_at DESC
         LIMIT ${limit}`;
      return rows.map((r) => ({ ...threadSummary(toRow(r)), rank: r.rank }));
    },
  };
}
