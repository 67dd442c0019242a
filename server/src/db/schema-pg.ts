/**
 * The PostgreSQL tables, derived from the one schema (`schema.ts`): same table and column names, the
 * same nullability, defaults, primary keys, unique constraints and indexes. Nothing here is written
 * by hand per table, so the two dialects cannot drift; `schema-shape.test.ts` checks the migrated
 * databases agree. drizzle-kit reads this file to generate `server/migrations-pg/`.
 *
 * Types: SQLite `text` → `text`, `integer` (64-bit there) → `bigint` read as a JS number, `real` →
 * `double precision`. Timestamps stay ISO 8601 text in UTC on both, so ordering and cursors match.
 */
import { getTableColumns, type Table } from "drizzle-orm";
import {
  bigint,
  doublePrecision,
  index,
  type PgColumnBuilderBase,
  type PgTableWithColumns,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import * as one from "./schema.ts";

// biome-ignore lint/suspicious/noExplicitAny: the derived table's columns are known only at run time
type AnyPgTable = PgTableWithColumns<any>;

function column(c: ReturnType<typeof getTableConfig>["columns"][number]): PgColumnBuilderBase {
  const type = c.getSQLType().toLowerCase();
  // biome-ignore lint/suspicious/noExplicitAny: builders of three column types, chained the same way
  let b: any;
  if (type === "text") b = text(c.name);
  else if (type === "integer") b = bigint(c.name, { mode: "number" });
  else if (type === "real") b = doublePrecision(c.name);
  else throw new Error(`schema-pg: no PostgreSQL type for ${c.name} (${type})`);
  if (c.primary) b = b.primaryKey();
  if (c.notNull && !c.primary) b = b.notNull();
  if (c.isUnique) b = b.unique(c.uniqueName);
  if (c.hasDefault && c.default !== undefined) b = b.default(c.default);
  return b;
}

/** The PostgreSQL twin of one SQLite table. */
export function pgTwin(table: SQLiteTable): AnyPgTable {
  const cfg = getTableConfig(table);
  const keys = new Map(Object.entries(getTableColumns(table as Table)).map(([k, c]) => [c.name, k]));
  const key = (name: string) => keys.get(name) ?? name;
  const cols: Record<string, PgColumnBuilderBase> = {};
  for (const c of cfg.columns) cols[key(c.name)] = column(c);
  return pgTable(cfg.name, cols, (t) => {
    const col = (name: string) => (t as Record<string, never>)[key(name)];
    return [
      ...cfg.indexes.map((i) => {
        const names = i.config.columns.map((c) => (c as { name: string }).name);
        const make = i.config.unique ? uniqueIndex : index;
        const [first, ...rest] = names.map(col);
        return make(i.config.name).on(first as never, ...(rest as never[]));
      }),
      ...cfg.primaryKeys.map((pk) => {
        const [first, ...rest] = pk.columns.map((c) => col(c.name));
        return primaryKey({ columns: [first as never, ...(rest as never[])] });
      }),
    ];
  }) as AnyPgTable;
}

export const tokens = pgTwin(one.tokens);
export const threads = pgTwin(one.threads);
export const usage = pgTwin(one.usage);
export const rateLimits = pgTwin(one.rateLimits);
export const users = pgTwin(one.users);
export const userRoles = pgTwin(one.userRoles);
export const sessions = pgTwin(one.sessions);
export const orgs = pgTwin(one.orgs);
export const orgMembers = pgTwin(one.orgMembers);
export const teams = pgTwin(one.teams);
export const teamMembers = pgTwin(one.teamMembers);
export const invitations = pgTwin(one.invitations);
export const joinRequests = pgTwin(one.joinRequests);
export const apiKeys = pgTwin(one.apiKeys);
export const auditLog = pgTwin(one.auditLog);
export const shareLinks = pgTwin(one.shareLinks);
export const supportGrants = pgTwin(one.supportGrants);
export const deviceCodes = pgTwin(one.deviceCodes);
export const magicLinks = pgTwin(one.magicLinks);
export const flags = pgTwin(one.flags);
export const killSwitches = pgTwin(one.killSwitches);
export const flagSdkKeys = pgTwin(one.flagSdkKeys);
export const analyticsKeys = pgTwin(one.analyticsKeys);
export const analyticsEvents = pgTwin(one.analyticsEvents);
export const analyticsPersons = pgTwin(one.analyticsPersons);
export const analyticsPersonIds = pgTwin(one.analyticsPersonIds);
