/** `loom serve`'s choice of database: a Postgres URL from the environment or a file, and its one-line failures. */
import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTestDatabase, usePgCluster } from "@loom/server/pg-test-cluster";
import { startServer } from "@loom/server/serve";
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
});
