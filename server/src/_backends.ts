/**
 * Runs a test suite on each database: `forEachBackend(({ kind, testApp }) => describe(…))` defines the
 * suite once per backend, SQLite (in memory) and PostgreSQL (a fresh database on the run's cluster,
 * `db/pg/_test-cluster.ts`). `LOOM_TEST_BACKENDS=sqlite` (or `postgres`) narrows a local run.
 * @example
 * forEachBackend(({ kind, testApp }) => {
 *   describe(`threads API [${kind}]`, () => {
 *     test("…", async () => { const h = await testApp(); … });
 *   });
 * });
 */
import { afterAll } from "bun:test";
import { type TestCall, testRequest } from "./_test-request.ts";
import { type AppOptions, createApp } from "./app.ts";
import type { Backend } from "./db/backend.ts";
import { openDb } from "./db/open.ts";
import { createTestDatabase, dropTestDatabase, usePgCluster } from "./db/pg/_test-cluster.ts";
import { pgBackend } from "./db/pg/backend.ts";
import { sqliteBackend } from "./db/sqlite-backend.ts";
import { silentLogger } from "./logger.ts";

export type BackendKind = "sqlite" | "postgres";

export const BACKENDS: BackendKind[] = (process.env.LOOM_TEST_BACKENDS ?? "sqlite,postgres")
  .split(",")
  .map((s) => s.trim())
  .filter((s): s is BackendKind => s === "sqlite" || s === "postgres");

export type TestAppOptions = Partial<Omit<AppOptions, "db" | "backend">>;

export interface TestApp {
  kind: BackendKind;
  app: ReturnType<typeof createApp>;
  backend: Backend;
  alice: string;
  bob: string;
  call(method: string, path: string, o?: TestCall): Promise<Response>;
  /** Rows of a query both dialects understand (plain SELECTs over the shared tables). */
  rows<T = Record<string, unknown>>(query: string): Promise<T[]>;
}

/** A fresh backend of `kind`: SQLite in memory, or a new Postgres database on the run's cluster. */
export async function testBackend(
  kind: BackendKind,
  o: { clock?: () => Date; rateLimitPerMinute?: number; cost?: AppOptions["cost"] } = {},
): Promise<Backend & { rows<T>(q: string): Promise<T[]> }> {
  const clock = o.clock ?? (() => new Date());
  if (kind === "sqlite") {
    const db = openDb(":memory:");
    const b = sqliteBackend(db, {
      clock,
      log: silentLogger,
      cost: o.cost,
      rateLimitPerMinute: o.rateLimitPerMinute,
    });
    return { ...b, rows: async <T>(q: string) => db.$client.query(q).all() as T[] };
  }
  const url = await createTestDatabase();
  const b = await pgBackend(url, {
    clock,
    log: silentLogger,
    cost: o.cost,
    rateLimitPerMinute: o.rateLimitPerMinute,
    max: 4,
  });
  return {
    ...b,
    // Each test's database goes when its backend closes: a run makes hundreds.
    async close() {
      await b.close();
      await dropTestDatabase(url);
    },
    // Postgres answers bigint columns as strings; tests compare numbers, as SQLite gives them.
    rows: async <T>(q: string) =>
      ((await b.pg.sql.unsafe(q)) as Record<string, unknown>[]).map(
        (r) =>
          Object.fromEntries(
            Object.entries(r).map(([k, v]) => [
              k,
              typeof v === "string" && /^-?\d+$/.test(v) && k !== "day" ? Number(v) : v,
            ]),
          ) as T,
      ),
  };
}

export function forEachBackend(
  suite: (b: { kind: BackendKind; testApp: (o?: TestAppOptions) => Promise<TestApp> }) => void,
) {
  for (const kind of BACKENDS) {
    const open: Backend[] = [];
    if (kind === "postgres") usePgCluster();
    afterAll(async () => {
      await Promise.all(open.splice(0).map((b) => b.close().catch(() => {})));
    });
    suite({
      kind,
      async testApp(opts = {}) {
        const backend = await testBackend(kind, opts);
        open.push(backend);
        const app = createApp({ log: silentLogger, ...opts, backend });
        const alice = (await backend.tokens.create({ name: "alice" })).token;
        const bob = (await backend.tokens.create({ name: "bob" })).token;
        return {
          kind,
          app,
          backend,
          alice,
          bob,
          rows: backend.rows,
          call: (method, path, o) => app.handle(testRequest(method, path, o)),
        };
      },
    });
  }
}
