/**
 * The WHERE clause every analytics query shares: org, time range, event names, person, distinct id and
 * property filters, as SQL both dialects run. A property is read as text (`true`/`false` for booleans,
 * numbers as written); `gt`/`lt` compare numbers only (a non-number never matches); `neq` also matches
 * events without the property. Keys go in as parameters, never into the SQL text.
 */

export const FILTER_OPS = ["eq", "neq", "contains", "gt", "lt", "set", "not_set"] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface PropertyFilter {
  key: string;
  op: FilterOp;
  value?: string | number | boolean;
}

export interface EventQuery {
  orgId: string;
  /** ISO instants, inclusive `from`, exclusive `to`. */
  from?: string;
  to?: string;
  names?: string[];
  personId?: string;
  distinctId?: string;
  where?: PropertyFilter[];
}

export type Dialect = "sqlite" | "postgres";

/** The text value of property `key` of the event row `e` (NULL when absent). */
export function propText(dialect: Dialect, key: string): [sql: string, params: unknown[]] {
  if (dialect === "postgres") return ["(e.properties::jsonb ->> ?)", [key]];
  const path = `$."${key}"`;
  return [
    `(CASE json_type(e.properties, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract(e.properties, ?) AS TEXT) END)`,
    [path, path],
  ];
}

function propNumber(dialect: Dialect, key: string): [string, unknown[]] {
  if (dialect === "postgres")
    return [
      "(CASE WHEN jsonb_typeof(e.properties::jsonb -> ?) = 'number' THEN (e.properties::jsonb ->> ?)::double precision END)",
      [key, key],
    ];
  const path = `$."${key}"`;
  return [
    "(CASE WHEN json_type(e.properties, ?) IN ('integer', 'real') THEN json_extract(e.properties, ?) END)",
    [path, path],
  ];
}

function filterSql(dialect: Dialect, f: PropertyFilter): [string, unknown[]] {
  const [x, xp] = propText(dialect, f.key);
  const v = f.value === undefined ? "" : String(f.value);
  switch (f.op) {
    case "eq":
      return [`${x} = ?`, [...xp, v]];
    case "neq":
      return [`(${x} IS NULL OR ${x} <> ?)`, [...xp, ...xp, v]];
    case "contains":
      return [dialect === "postgres" ? `strpos(${x}, ?) > 0` : `instr(${x}, ?) > 0`, [...xp, v]];
    case "gt":
    case "lt": {
      const [n, np] = propNumber(dialect, f.key);
      return [`${n} ${f.op === "gt" ? ">" : "<"} ?`, [...np, Number(f.value)]];
    }
    case "set":
      return [`${x} IS NOT NULL`, xp];
    case "not_set":
      return [`${x} IS NULL`, xp];
    default: {
      const never: never = f.op;
      return never;
    }
  }
}

/** `FROM … WHERE …` over events `e` joined to their person mapping `m`. */
export function fromWhere(dialect: Dialect, q: EventQuery): [sql: string, params: unknown[]] {
  const conds = ["e.org_id = ?"];
  const params: unknown[] = [q.orgId];
  const add = (cond: string, ...values: unknown[]) => {
    conds.push(cond);
    params.push(...values);
  };
  if (q.from) add("e.timestamp >= ?", q.from);
  if (q.to) add("e.timestamp < ?", q.to);
  if (q.names?.length) add(`e.name IN (${q.names.map(() => "?").join(", ")})`, ...q.names);
  if (q.personId) add("m.person_id = ?", q.personId);
  if (q.distinctId) add("e.distinct_id = ?", q.distinctId);
  for (const f of q.where ?? []) {
    const [s, p] = filterSql(dialect, f);
    conds.push(s);
    params.push(...p);
  }
  return [
    `FROM analytics_events e JOIN analytics_person_ids m ON m.org_id = e.org_id AND m.distinct_id = e.distinct_id
     WHERE ${conds.join(" AND ")}`,
    params,
  ];
}
