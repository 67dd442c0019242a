/**
 * The shape of a migrated server database, read back from the database itself (not from the drizzle
 * schema), the same way on both dialects: tables, columns (type, NOT NULL, default), primary keys,
 * unique constraints and indexes. `schema-shape.test.ts` compares SQLite's with Postgres's, so a
 * migration written for one dialect only, or a type with no twin, fails a test. The full-text tables
 * differ by design (FTS5 virtual table vs tsvector + GIN) and are left out; `_migrations` too, and
 * SQLite's `auth_epoch` (the counter its triggers keep for the auth cache; Postgres caches nothing).
 */
import type { Database } from "bun:sqlite";

export interface ColumnShape {
  name: string;
  type: "text" | "integer" | "real" | string;
  notNull: boolean;
  default: string | null;
}
export interface TableShape {
  columns: ColumnShape[];
  primaryKey: string[];
  /** Unique constraints and indexes, PK excluded: `name(col,…)` with `unique ` in front when unique. */
  indexes: string[];
}
export type DbShape = Record<string, TableShape>;

const SKIP = (t: string) =>
  t === "_migrations" || t === "auth_epoch" || t.startsWith("threads_fts") || t.startsWith("sqlite_");

export function sqliteShape(db: Database): DbShape {
  const shape: DbShape = {};
  const tables = db
    .query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => r.name)
    .filter((t) => !SKIP(t));
  for (const t of tables) {
    const cols = db
      .query<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }, []>(
        `PRAGMA table_info("${t}")`,
      )
      .all();
    const idx = db
      .query<{ name: string; unique: number; origin: string }, []>(`PRAGMA index_list("${t}")`)
      .all()
      .filter((i) => i.origin !== "pk");
    shape[t] = {
      columns: cols.map((c) => ({
        name: c.name,
        type: c.type.toLowerCase(),
        notNull: c.notnull === 1 || c.pk > 0,
        default: c.dflt_value,
      })),
      primaryKey: cols
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name),
      indexes: idx
        .map((i) => {
          const on = db
            .query<{ name: string }, []>(`PRAGMA index_info("${i.name}")`)
            .all()
            .map((c) => c.name);
          return `${i.unique ? "unique " : ""}${i.name}(${on.join(",")})`;
        })
        .sort(),
    };
  }
  return shape;
}

const PG_TYPES: Record<string, string> = { text: "text", bigint: "integer", "double precision": "real" };

export async function pgShape(sql: Bun.SQL): Promise<DbShape> {
  const shape: DbShape = {};
  const tables: { name: string }[] = await sql`
    SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`;
  for (const { name: t } of tables.filter((r) => !SKIP(r.name))) {
    const cols: { name: string; type: string; nullable: string; dflt: string | null }[] = await sql`
      SELECT column_name AS name, data_type AS type, is_nullable AS nullable, column_default AS dflt
        FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name = ${t} ORDER BY ordinal_position`;
    const idx: { name: string; unique: boolean; primary: boolean; columns: string[] }[] = await sql`
      SELECT i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
             array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(n, o)
                     JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o)::text[] AS columns
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
       WHERE c.relname = ${t} AND c.relnamespace = 'public'::regnamespace`;
    shape[t] = {
      columns: cols.map((c) => ({
        name: c.name,
        type: PG_TYPES[c.type] ?? c.type,
        notNull: c.nullable === "NO",
        default: c.dflt,
      })),
      primaryKey: idx.find((i) => i.primary)?.columns ?? [],
      indexes: idx
        .filter((i) => !i.primary)
        .map((i) => `${i.unique ? "unique " : ""}${i.name}(${i.columns.join(",")})`)
        .sort(),
    };
  }
  return shape;
}
