/**
 * bun:test preload (bunfig.toml): stops the run's PostgreSQL cluster, if a test started one, after
 * the last test file. The cluster itself starts lazily (`_test-cluster.ts`), so runs without a
 * Postgres test pay nothing.
 */
import { afterAll } from "bun:test";
import { stopTestCluster } from "./_test-cluster.ts";

// Stopping waits for the cluster's shutdown checkpoint, which takes more than bun's 5 s hook default
// on a loaded machine once many test databases exist.
afterAll(async () => {
  await stopTestCluster();
}, 60_000);
