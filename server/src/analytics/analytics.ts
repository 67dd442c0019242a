/** Everything analytics keeps in the database, over one `SqlRunner` (SQLite or Postgres). */
import type { SqlRunner } from "../db/sql-runner.ts";
import { createAnalyticsKeyStore } from "./keys.ts";
import { createAnalyticsQueries } from "./query.ts";
import { createAnalyticsStore } from "./store.ts";

export function createAnalytics(db: SqlRunner, clock: () => Date) {
  return {
    keys: createAnalyticsKeyStore(db, clock),
    store: createAnalyticsStore(db, clock),
    queries: createAnalyticsQueries(db),
  };
}

export type Analytics = ReturnType<typeof createAnalytics>;
