/** `loom serve`'s choice of database: a Postgres URL from the environment or a file, and its one-line failures. */
import { describe, expect, test } from "bun:test";
import { readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WeaversConfig } from "@loom/runtime/config/schema";
import { createTestDatabase, testCluster, usePgCluster } from "@loom/server/pg-test-cluster";
import { type ServeOptions, startServer } from "@loom/server/serve";
import { Value } from "@sinclair/typebox/value";
import { tempDir } from "./_helpers.ts";

usePgCluster();

describe("serve --database", () => {
  test("LOOM_SERVER_DATABASE_URL_FILE: runs on Postgres; the password shows in no banner or log line", async () => {
    const url = await createTestDatabase();
    const file = join(tempDir(), "db-url");
    writeFileSync(file, `${url}\n`);
    const lines: string[] = [];
    const server = await startServer({
      port: 0,
      env: { LOOM_SERVER_DATABASE_URL_FILE: file },
      logSink: (l) => lines.push(l),
    });
    try {
      expect(server.backend.kind).toBe("postgres");
      expect(server.database).toBe(url.replace(":loom@", ":***@"));
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      expect(() => server.db).toThrow("PostgreSQL");
    } finally {
      await server.stop();
    }
    expect(lines.join("")).not.toContain(":loom@");
  });

  test("a URL that is neither postgres:// nor sqlite:, and a database that does not answer, are one line each", async () => {
    const bad = await startServer({ port: 0, env: {}, databaseUrl: "mysql://u:pw@h/db" }).catch(
      (e: Error) => e,
    );
    expect(String(bad)).toContain('database "mysql://u:***@h/db" is neither postgres://… nor sqlite:PATH');
    const down = await startServer({
      port: 0,
      env: {},
      databaseUrl: "postgres://loom:hunter2@127.0.0.1:1/loom",
      logSink: () => {},
    }).catch((e: Error) => e);
    expect((down as Error).message).toStartWith(
      "cannot open server database postgres://loom:***@127.0.0.1:1/loom: ",
    );
    expect((down as Error).message).not.toContain("hunter2");
    expect((down as Error).message).not.toContain("\n");
  });

  // Fails in weaverService, after the database (and on SQLite its two workers) was opened.
  const badWeavers = Value.Default(WeaversConfig, { default_ttl: "soon" }) as ServeOptions["weavers"];

  test("a start that fails after opening SQLite (weavers config, port in use) leaves no connection open", async () => {
    const dir = tempDir();
    const dbPath = join(dir, "server.db");
    const env = { HOME: dir, XDG_DATA_HOME: dir };
    /** This process's file descriptors on the database's files (the main connection's and the workers'). */
    const openFiles = () =>
      readdirSync("/proc/self/fd").flatMap((fd) => {
        try {
          const target = readlinkSync(`/proc/self/fd/${fd}`);
          return target.startsWith(dir) ? [target] : [];
        } catch {
          return []; // closed while listing (the readdir's own fd)
        }
      });
    /**
     * A closed bun:sqlite connection whose prepared statements are not yet collected keeps its files
     * until they are (sqlite3_close_v2), and a terminated worker's go with its heap: collect, then
     * look again, for at most ~3 s (a start that leaves them open never gets there).
     */
    const filesLeftOpen = async () => {
      for (let i = 0; i < 60; i++) {
        Bun.gc(true);
        if (openFiles().length === 0) return [];
        await Bun.sleep(50);
      }
      return openFiles();
    };
    const bad = await startServer({
      port: 0,
      dbPath,
      env,
      logSink: () => {},
      web: null,
      weavers: badWeavers,
    }).catch((e: Error) => e);
    expect(String(bad)).toContain("weavers.default_ttl");
    expect(await filesLeftOpen()).toEqual([]);
    const other = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("") });
    try {
      const busy = await startServer({ port: other.port, dbPath, env, logSink: () => {}, web: null }).catch(
        (e: Error) => e,
      );
      expect(String(busy)).toContain("address in use");
      expect(await filesLeftOpen()).toEqual([]);
    } finally {
      await other.stop(true);
    }
  });

  test("a start that fails after opening Postgres closes its pool", async () => {
    const url = await createTestDatabase();
    const dir = tempDir();
    const bad = await startServer({
      port: 0,
      databaseUrl: url,
      env: { HOME: dir, XDG_DATA_HOME: dir },
      logSink: () => {},
      web: null,
      weavers: badWeavers,
    }).catch((e: Error) => e);
    expect(String(bad)).toContain("weavers.default_ttl");
    // Without FORCE, DROP DATABASE fails while any session is connected to it (it waits up to 5 s for them).
    const name = new URL(url).pathname.slice(1);
    expect(await (await testCluster()).admin.unsafe(`DROP DATABASE ${name}`).then(() => "dropped")).toBe(
      "dropped",
    );
  }, 15_000); // a pool left open fails the DROP after Postgres's 5 s wait, not the test's timeout
});
