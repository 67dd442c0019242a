/**
 * bun:test preload (bunfig.toml): stops the run's PostgreSQL cluster, if a test started one, after
 * the last test file. The cluster itself starts lazily (`_test-cluster.ts`), so runs without a
 * Postgres test pay nothing.
 */
import { afterAll } from "bun:test";
import { stopTestCluster } from "./_test-cluster.ts";

// Its own timeout: a fast shutdown and removing the data folder may take seconds on a loaded machine.
afterAll(async () => {
  await stopTestCluster();
}, 60_000);
