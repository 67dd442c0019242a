/**
 * One way to run plain SQL on either database, for stores written once for both (accounts, orgs,
 * keys, audit): `?` placeholders (numbered `$n` for Postgres), rows as objects, and `batch` for
 * statements that must commit together. The SQL is the subset both dialects share
 * (`ON CONFLICT … DO NOTHING`, `INSERT … SELECT`); the tables it touches have text columns only, so
 * rows read back alike (counts are converted with `Number`).
 * @example
 * const r = sqliteRunner(db.$client, writer);
 * await r.batch([["INSERT INTO orgs …", [id, slug]], ["INSERT INTO org_members …", [id, user]]]);
 */
import type { Database, SQLQueryBindings } from "bun:sqlite";
import type { DbWriter } from "./writer.ts";

export type Stmt = [sql: string, params: unknown[]];

export interface SqlRunner {
  dialect: "sqlite" | "postgres";
  all<T>(q: string, params?: unknown[]): Promise<T[]>;
  get<T>(q: string, params?: unknown[]): Promise<T | undefined>;
  /** One write; answers the rows it changed. */
  run(q: string, params?: unknown[]): Promise<number>;
  /** Writes that commit together (or not at all); answers each one's changed rows. */
  batch(stmts: Stmt[]): Promise<number[]>;
}

export function sqliteRunner(sqlite: Database, writer: DbWriter): SqlRunner {
  const bind = (p: unknown[]) => p as SQLQueryBindings[];
  return {
    dialect: "sqlite",
    async all<T>(q: string, params: unknown[] = []) {
      return sqlite.query<T, SQLQueryBindings[]>(q).all(...bind(params));
    },
    async get<T>(q: string, params: unknown[] = []) {
      return sqlite.query<T, SQLQueryBindings[]>(q).get(...bind(params)) ?? undefined;
    },
    run: (q, params = []) => writer.run(() => sqlite.query(q).run(...bind(params)).changes),
    batch: (stmts) => writer.run(() => stmts.map(([q, p]) => sqlite.query(q).run(...bind(p)).changes)),
  };
}

const numbered = new Map<string, string>();
/** `?` → `$1, $2, …` (the shared SQL never has a `?` inside a literal). */
export function pgPlaceholders(q: string): string {
  let out = numbered.get(q);
  if (out === undefined) {
    let n = 0;
    out = q.replace(/\?/g, () => `$${++n}`);
    numbered.set(q, out);
  }
  return out;
}

export function pgRunner(sql: Bun.SQL): SqlRunner {
  return {
    dialect: "postgres",
    async all<T>(q: string, params: unknown[] = []) {
      return (await sql.unsafe(pgPlaceholders(q), params)) as T[];
    },
    async get<T>(q: string, params: unknown[] = []) {
      return ((await sql.unsafe(pgPlaceholders(q), params)) as T[])[0];
    },
    async run(q, params = []) {
      return ((await sql.unsafe(pgPlaceholders(q), params)) as unknown as { count: number }).count;
    },
    async batch(stmts) {
      return sql.begin(async (tx) => {
        const out: number[] = [];
        for (const [q, p] of stmts)
          out.push(((await tx.unsafe(pgPlaceholders(q), p)) as unknown as { count: number }).count);
        return out;
      });
    },
  };
}
