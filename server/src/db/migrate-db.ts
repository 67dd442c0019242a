/**
 * `loom admin migrate-db --from sqlite:PATH --to postgres://…`: copies a SQLite server's data into
 * PostgreSQL, then verifies it. Safe to rerun: every row is upserted with the SQLite values (a second
 * run overwrites, never adds: usage counts are copied, not summed), so run it again after a last
 * sync before switching over. In one transaction: a failure leaves the target as it was.
 *
 * Verified per table: the number of source rows found in the target by key, and a sha256 over every
 * column of those rows in key order (`fts_rowid` aside: Postgres numbers the search index itself).
 * The search index is rebuilt for the copied live threads.
 */
import { existsSync } from "node:fs";
import { LoomError } from "@loom/runtime/errors";
import type { Thread } from "@loom/runtime/thread";
import { ftsDocument } from "../threads/fts.ts";
import { type Db, openDb } from "./open.ts";
import { openPg } from "./pg/open.ts";
import { ftsText } from "./pg/tsquery.ts";

export interface TableReport {
  table: string;
  rows: number;
  checksum: string;
  ok: boolean;
}

type Row = Record<string, string | number | null>;

/** Each table's key and columns, as both databases name them (the one schema). */
const TABLES: { table: string; key: string[]; columns: string[] }[] = [
  // Users first: a token, a thread or usage names its user (token lookups join users).
  { table: "users", key: ["id"], columns: ["id", "email", "display_name", "created_at", "disabled_at"] },
  { table: "user_roles", key: ["user_id", "role"], columns: ["user_id", "role"] },
  {
    table: "tokens",
    key: ["id"],
    columns: [
      "id",
      "name",
      "user_id",
      "hash",
      "created_at",
      "last_used_at",
      "revoked_at",
      "rate_limit_per_minute",
    ],
  },
  ...["orgs:id:slug,name,created_at,created_by", "org_members:org_id,user_id:role,created_at"].map(textTable),
  ...["teams:id:org_id,slug,name,created_at", "team_members:team_id,user_id:role,created_at"].map(textTable),
  {
    table: "threads",
    key: ["id"],
    columns: [
      "id",
      "owner_id",
      "version",
      "workspace",
      "title",
      "visibility",
      "created_at",
      "updated_at",
      "deleted_at",
      "body",
      "org_id",
      "team_id",
    ],
  },
  {
    table: "usage",
    key: ["day", "token_id", "provider", "model"],
    columns: [
      "day",
      "token_id",
      "user_id",
      "provider",
      "model",
      "requests",
      "input_tokens",
      "output_tokens",
      "cost_usd",
    ],
  },
  ...[
    "api_keys:id:org_id,name,hash,scopes,created_by,created_at,last_used_at,revoked_at",
    "sessions:id:hash,user_id,kind,created_at,last_used_at,expires_at,ip,user_agent,revoked_at,impersonator_id",
    "share_links:id:thread_id,hash,created_by,created_at,expires_at,revoked_at",
    "support_grants:id:thread_id,granted_by,created_at,expires_at,revoked_at",
    "invitations:id:org_id,email,role,hash,invited_by,created_at,expires_at,accepted_at,revoked_at",
    "join_requests:id:org_id,user_id,created_at,decision,decided_by,decided_at",
    "audit_log:id:at,actor_id,impersonator_id,action,target_type,target_id,org_id,ip,detail",
    "flags:id:org_id,key,kind,description,definition,version,created_by,created_at,updated_at,archived_at",
    "kill_switches:id:org_id,key,description,flags,active,reason,activated_at,activated_by,created_at,updated_at",
    "flag_sdk_keys:id:org_id,name,kind,environment,hash,created_by,created_at,last_used_at,revoked_at",
    "analytics_keys:id:org_id,kind,name,hash,created_by,created_at,revoked_at",
    "analytics_persons:id:org_id,identified,properties,created_at,updated_at",
    "analytics_person_ids:org_id,distinct_id:person_id",
    "analytics_events:id:org_id,name,distinct_id,timestamp,properties",
  ].map(textTable),
];

/** `table:key1,key2:other,columns` for a table of text columns only (the account tables). */
function textTable(spec: string): { table: string; key: string[]; columns: string[] } {
  const [table = "", key = "", rest = ""] = spec.split(":");
  const keys = key.split(",");
  return { table, key: keys, columns: [...keys, ...rest.split(",")] };
}

const INTEGER = new Set([
  "rate_limit_per_minute",
  "version",
  "requests",
  "input_tokens",
  "output_tokens",
  "active",
  "identified",
]);

/** Postgres answers bigint as text: compare numbers as numbers. */
const norm = (r: Row, cols: string[]): (string | number | null)[] =>
  cols.map((c) => (INTEGER.has(c) && r[c] !== null && r[c] !== undefined ? Number(r[c]) : (r[c] ?? null)));

function checksum(rows: (string | number | null)[][]): string {
  const h = new Bun.CryptoHasher("sha256");
  for (const r of rows) h.update(`${JSON.stringify(r)}\n`);
  return h.digest("hex");
}

const keyOf = (r: (string | number | null)[], idx: number[]) => JSON.stringify(idx.map((i) => r[i]));

/** Where a copy is: each batch of a table written (`copied` of `total` rows), then each table verified. */
export type MigrateProgress =
  | { step: "copy"; table: string; copied: number; total: number }
  | { step: "verify"; table: string };

export async function migrateDb(o: {
  from: string;
  to: string;
  batch?: number;
  progress?: (p: MigrateProgress) => void;
}): Promise<TableReport[]> {
  const path = o.from.replace(/^sqlite:/, "");
  if (!existsSync(path)) throw new LoomError("CONFIG_INVALID", `--from: no SQLite database at ${path}`);
  // Opening applies the SQLite migrations first, so an older server's file has today's columns.
  const lite: Db = openDb(path);
  const pg = await openPg(o.to, { max: 2 });
  const { sql } = pg;
  const batch = o.batch ?? 500;
  try {
    const source = TABLES.map((t) => {
      const rows = lite.$client
        .query<Row, []>(`SELECT ${t.columns.join(", ")} FROM ${t.table} ORDER BY ${t.key.join(", ")}`)
        .all()
        .map((r) => norm(r, t.columns));
      return { ...t, rows };
    });
    await sql.begin(async (tx) => {
      for (const t of source) {
        for (let i = 0; i < t.rows.length; i += batch) {
          const chunk = t.rows.slice(i, i + batch);
          const arrays = t.columns.map((_, c) => chunk.map((r) => r[c]));
          const types = t.columns.map((c) =>
            INTEGER.has(c) ? "bigint[]" : c === "cost_usd" ? "float8[]" : "text[]",
          );
          const params = arrays.map((_, c) => `$${c + 1}::${types[c]}`).join(", ");
          const updates = t.columns
            .filter((c) => !t.key.includes(c))
            .map((c) => `${c} = excluded.${c}`)
            .join(", ");
          const extra = t.table === "threads" ? ", fts_rowid" : "";
          const extraValue = t.table === "threads" ? ", nextval('threads_fts_rowid_seq')" : "";
          await tx.unsafe(
            `INSERT INTO ${t.table} (${t.columns.join(", ")}${extra})
             SELECT *${extraValue} FROM unnest(${params})
             ON CONFLICT (${t.key.join(", ")}) ${updates ? `DO UPDATE SET ${updates}` : "DO NOTHING"}`,
            arrays,
          );
          if (t.table === "threads") await reindex(tx, chunk);
          o.progress?.({ step: "copy", table: t.table, copied: i + chunk.length, total: t.rows.length });
        }
        if (t.rows.length === 0) o.progress?.({ step: "copy", table: t.table, copied: 0, total: 0 });
      }
    });
    // Verify: every source row is in the target with the same values.
    const reports: TableReport[] = [];
    for (const t of source) {
      o.progress?.({ step: "verify", table: t.table });
      const keyIdx = t.key.map((k) => t.columns.indexOf(k));
      const want = new Set(t.rows.map((r) => keyOf(r, keyIdx)));
      const target = (
        (await sql.unsafe(
          `SELECT ${t.columns.join(", ")} FROM ${t.table} ORDER BY ${t.key.join(", ")}`,
        )) as Row[]
      )
        .map((r) => norm(r, t.columns))
        .filter((r) => want.has(keyOf(r, keyIdx)));
      // Both sides in the same (JS, code unit) key order: database collations may differ.
      const order = (rows: (string | number | null)[][]) =>
        [...rows].sort((x, y) => (keyOf(x, keyIdx) < keyOf(y, keyIdx) ? -1 : 1));
      const sum = checksum(order(t.rows));
      const got = checksum(order(target));
      reports.push({
        table: t.table,
        rows: t.rows.length,
        checksum: sum,
        ok: target.length === t.rows.length && got === sum,
      });
    }
    return reports;
  } finally {
    lite.$client.close();
    await sql.close();
  }
}

/** Rebuilds the search rows of copied threads: live ones indexed, deleted ones without any. */
async function reindex(tx: Bun.SQL, rows: (string | number | null)[][]): Promise<void> {
  const ids = rows.map((r) => r[0] as string);
  await tx`DELETE FROM threads_fts WHERE rowid IN (SELECT fts_rowid FROM threads WHERE id = ANY(${ids}::text[]))`;
  const live = rows.filter((r) => r[8] === null);
  if (live.length === 0) return;
  const docs = live.map((r) => {
    const d = ftsDocument(JSON.parse(r[9] as string) as Thread);
    return {
      id: r[0] as string,
      title: ftsText(d.title),
      git: ftsText(d.git),
      messages: ftsText(d.messages),
    };
  });
  await tx`
    INSERT INTO threads_fts (rowid, document)
    SELECT t.fts_rowid, setweight(to_tsvector('simple', d.title), 'A') || setweight(to_tsvector('simple', d.git), 'B')
           || setweight(to_tsvector('simple', d.messages), 'D')
      FROM unnest(${docs.map((d) => d.id)}::text[], ${docs.map((d) => d.title)}::text[],
                  ${docs.map((d) => d.git)}::text[], ${docs.map((d) => d.messages)}::text[]) AS d(id, title, git, messages)
      JOIN threads t ON t.id = d.id`;
}
