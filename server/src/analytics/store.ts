/**
 * Events and persons, written once over a `SqlRunner` for SQLite and Postgres. Ingest is one
 * transaction per call (`batch`): multi-row inserts of events (a repeated event id is skipped, so a
 * retried batch counts once) and of the persons and distinct-id mappings of ids this process has not
 * seen yet (mapping rows are never deleted, so a remembered id needs nothing).
 * Identity changes (identify, alias, set) are serialised in this process (`exclusive`) and commit their
 * writes together; the person of an event is looked up through `analytics_person_ids` when read, so a
 * merge re-points every event sent before it.
 */
import type { SqlRunner, Stmt } from "../db/sql-runner.ts";
import { mergeProperties, type PersonRow, pickWinner } from "./merge.ts";

/** An event ready to store: validated, its properties already JSON text. */
export interface EventRow {
  id: string;
  name: string;
  distinctId: string;
  timestamp: string;
  properties: string;
}

export interface PersonProps {
  set?: Record<string, unknown>;
  setOnce?: Record<string, unknown>;
  /** Refuse to merge the other id's person when it is identified (a signed-in caller's own events). */
  protectIdentified?: boolean;
}

/** A signed-in caller tried to merge someone else's identified person into their own. */
export class MergeRefusedError extends Error {
  constructor(readonly distinctId: string) {
    super(`${distinctId} belongs to another identified person`);
    this.name = "MergeRefusedError";
  }
}

/** Rows per multi-row INSERT (6 parameters each, well under both databases' limits). */
const CHUNK = 500;

/** The first person of a distinct id; derived from it, so two writers creating it agree. */
export function initialPersonId(orgId: string, distinctId: string): string {
  return `per_${new Bun.CryptoHasher("sha256").update(`${orgId}\0${distinctId}`).digest("hex").slice(0, 32)}`;
}

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Statements that give each id without a person a new anonymous one (a no-op for known ids). */
function ensurePersons(orgId: string, distinctIds: string[], now: string): Stmt[] {
  const out: Stmt[] = [];
  for (const part of chunks(distinctIds, CHUNK)) {
    const values = part.map(() => "(?, ?)").join(", ");
    const pairs = part.flatMap((d) => [initialPersonId(orgId, d), d]);
    out.push([
      `INSERT INTO analytics_persons (id, org_id, identified, properties, created_at, updated_at)
       SELECT v.column1, ?, 0, '{}', ?, ? FROM (VALUES ${values}) AS v
        WHERE NOT EXISTS (SELECT 1 FROM analytics_person_ids m WHERE m.org_id = ? AND m.distinct_id = v.column2)
       ON CONFLICT DO NOTHING`,
      [orgId, now, now, ...pairs, orgId],
    ]);
    out.push([
      `INSERT INTO analytics_person_ids (org_id, distinct_id, person_id) VALUES ${part.map(() => "(?, ?, ?)").join(", ")}
       ON CONFLICT DO NOTHING`,
      part.flatMap((d) => [orgId, d, initialPersonId(orgId, d)]),
    ]);
  }
  return out;
}

interface RawPerson {
  id: string;
  identified: number | string;
  createdAt: string;
  properties: string;
}

/** Distinct ids this process knows to have a person (their mapping rows are never deleted). */
const KNOWN_MAX = 200_000;

export function createAnalyticsStore(db: SqlRunner, clock: () => Date) {
  /** `org\0distinct_id` of ids whose mapping exists: ingest skips creating their person. */
  const known = new Set<string>();
  let chain: Promise<unknown> = Promise.resolve();
  /** Runs identity changes one at a time in this process (read, decide, write together). */
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => {});
    return next;
  };

  const personOf = async (orgId: string, distinctId: string): Promise<PersonRow> => {
    const r = await db.get<RawPerson>(
      `SELECT p.id, p.identified, p.created_at AS "createdAt", p.properties
         FROM analytics_person_ids m JOIN analytics_persons p ON p.id = m.person_id
        WHERE m.org_id = ? AND m.distinct_id = ?`,
      [orgId, distinctId],
    );
    if (!r) throw new Error(`analytics: no person for ${distinctId}`);
    return {
      id: r.id,
      identified: Number(r.identified) === 1,
      createdAt: r.createdAt,
      properties: JSON.parse(r.properties) as Record<string, unknown>,
    };
  };

  /** Makes `a` and `b` one person (if they differ) and applies the properties; answers the survivor. */
  const join = async (
    orgId: string,
    primary: string,
    other: string | undefined,
    props: PersonProps,
    markIdentified: boolean,
  ) => {
    const now = clock().toISOString();
    const ids = other && other !== primary ? [primary, other] : [primary];
    await db.batch(ensurePersons(orgId, ids, now));
    const p = await personOf(orgId, primary);
    const o = ids[1] ? await personOf(orgId, ids[1]) : p;
    if (props.protectIdentified && o.id !== p.id && o.identified) throw new MergeRefusedError(ids[1] ?? "");
    const [winner, loser] = o.id === p.id ? [p, undefined] : pickWinner(p, o, p);
    const properties = mergeProperties(winner.properties, loser?.properties, props.set, props.setOnce);
    const stmts: Stmt[] = [];
    if (loser) {
      stmts.push([
        "UPDATE analytics_person_ids SET person_id = ? WHERE org_id = ? AND person_id = ?",
        [winner.id, orgId, loser.id],
      ]);
      stmts.push(["DELETE FROM analytics_persons WHERE id = ?", [loser.id]]);
    }
    const identified = winner.identified || markIdentified ? 1 : 0;
    stmts.push([
      "UPDATE analytics_persons SET properties = ?, identified = ?, updated_at = ? WHERE id = ?",
      [JSON.stringify(properties), identified, now, winner.id],
    ]);
    await db.batch(stmts);
    return { personId: winner.id, merged: loser?.id ?? null };
  };

  return {
    /** Stores events in one transaction; answers how many were new (a repeated id is not stored twice). */
    async insertEvents(orgId: string, events: EventRow[]): Promise<{ inserted: number }> {
      if (events.length === 0) return { inserted: 0 };
      const now = clock().toISOString();
      const fresh = [...new Set(events.map((e) => e.distinctId))].filter((d) => !known.has(`${orgId}\0${d}`));
      const stmts = ensurePersons(orgId, fresh, now);
      const first = stmts.length;
      for (const part of chunks(events, CHUNK))
        stmts.push([
          `INSERT INTO analytics_events (id, org_id, name, distinct_id, timestamp, properties)
           VALUES ${part.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")} ON CONFLICT DO NOTHING`,
          part.flatMap((e) => [e.id, orgId, e.name, e.distinctId, e.timestamp, e.properties]),
        ]);
      const changed = await db.batch(stmts);
      if (known.size + fresh.length > KNOWN_MAX) known.clear();
      for (const d of fresh) known.add(`${orgId}\0${d}`);
      return { inserted: changed.slice(first).reduce((a, b) => a + b, 0) };
    },
    /** `distinctId` is now known to be a person (identified); `anonId`'s events join it. */
    identify: (orgId: string, distinctId: string, anonId: string | undefined, props: PersonProps) =>
      exclusive(() => join(orgId, distinctId, anonId, props, true)),
    /** `alias` and `distinctId` are the same person. */
    alias: (orgId: string, distinctId: string, alias: string, protectIdentified = false) =>
      exclusive(() => join(orgId, distinctId, alias, { protectIdentified }, false)),
    /** Sets person properties of `distinctId`'s person. */
    set: (orgId: string, distinctId: string, props: PersonProps) =>
      exclusive(() => join(orgId, distinctId, undefined, props, false)),
    async person(orgId: string, distinctId: string) {
      const r = await db.get<{ personId: string }>(
        `SELECT person_id AS "personId" FROM analytics_person_ids WHERE org_id = ? AND distinct_id = ?`,
        [orgId, distinctId],
      );
      if (!r) return undefined;
      const p = await personOf(orgId, distinctId);
      const ids = await db.all<{ d: string }>(
        `SELECT distinct_id AS d FROM analytics_person_ids WHERE org_id = ? AND person_id = ? ORDER BY distinct_id`,
        [orgId, p.id],
      );
      return { ...p, distinctIds: ids.map((i) => i.d) };
    },
  };
}

export type AnalyticsStore = ReturnType<typeof createAnalyticsStore>;
