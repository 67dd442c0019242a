/** `loom admin migrate-db` and `loom admin token` against Postgres, as an operator runs them. */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { createTestDatabase, usePgCluster } from "@loom/server/pg-test-cluster";
import { tempDir } from "./_helpers.ts";

usePgCluster();

const MAIN = join(import.meta.dir, "../../cli/src/main.ts");

async function loom(args: string[], env: Record<string, string>) {
  const p = Bun.spawn(["bun", MAIN, ...args], {
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  return { stdout, stderr, code };
}

test("migrate-db copies a SQLite server into Postgres and verifies it; rerunning is safe; admin token works on Postgres", async () => {
  const dir = tempDir();
  const lite = {
    XDG_DATA_HOME: join(dir, "data"),
    XDG_CONFIG_HOME: join(dir, "config"),
    LOOM_SERVER_DB_PATH: join(dir, "server.db"),
  };
  const made = await loom(["admin", "token", "create", "--name", "ada", "--rate-limit", "9"], lite);
  expect(made.code).toBe(0);
  const url = await createTestDatabase();
  const args = ["admin", "migrate-db", "--from", `sqlite:${lite.LOOM_SERVER_DB_PATH}`, "--to", url];
  for (let run = 0; run < 2; run++) {
    const out = await loom(args, lite);
    expect(out.code).toBe(0);
    // Progress on stderr, a line per table and one before verifying; the report on stdout.
    const progress = out.stderr.split("\n").filter(Boolean);
    expect(progress[0]).toBe("copied users (1 rows)");
    expect(progress).toContain("copied threads (0 rows)");
    expect(progress.at(-1)).toBe("verifying the copy…");
    expect(
      out.stdout
        .split("\n")
        .filter(Boolean)
        .map((l) => l.replace(/sha256 \w+/, "sha256 …")),
    ).toEqual([
      "users\t1 rows\tsha256 …\tverified",
      "user_roles\t1 rows\tsha256 …\tverified",
      "tokens\t1 rows\tsha256 …\tverified",
      "orgs\t0 rows\tsha256 …\tverified",
      "org_members\t0 rows\tsha256 …\tverified",
      "teams\t0 rows\tsha256 …\tverified",
      "team_members\t0 rows\tsha256 …\tverified",
      "threads\t0 rows\tsha256 …\tverified",
      "usage\t0 rows\tsha256 …\tverified",
      "api_keys\t0 rows\tsha256 …\tverified",
      "sessions\t0 rows\tsha256 …\tverified",
      "share_links\t0 rows\tsha256 …\tverified",
      "support_grants\t0 rows\tsha256 …\tverified",
      "invitations\t0 rows\tsha256 …\tverified",
      "join_requests\t0 rows\tsha256 …\tverified",
      "audit_log\t0 rows\tsha256 …\tverified",
      "flags\t0 rows\tsha256 …\tverified",
      "kill_switches\t0 rows\tsha256 …\tverified",
      "flag_sdk_keys\t0 rows\tsha256 …\tverified",
      "analytics_keys\t0 rows\tsha256 …\tverified",
      "analytics_persons\t0 rows\tsha256 …\tverified",
      "analytics_person_ids\t0 rows\tsha256 …\tverified",
      "analytics_events\t0 rows\tsha256 …\tverified",
    ]);
  }
  const pg = { ...lite, LOOM_SERVER_DB_PATH: "", LOOM_SERVER_DATABASE_URL: url };
  const listed = await loom(["admin", "token", "list"], pg);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toMatch(/^tok_\S+\tada\tada\t\S+\t9\/min\tactive\n$/);

  const bad = await loom(["admin", "migrate-db", "--from", join(dir, "server.db"), "--to", url], lite);
  expect([bad.code, bad.stderr.trim().split("\n").length]).toEqual([2, 1]);
  const down = await loom(
    [
      "admin",
      "migrate-db",
      "--from",
      `sqlite:${lite.LOOM_SERVER_DB_PATH}`,
      "--to",
      "postgres://u:hunter2@127.0.0.1:1/x",
    ],
    lite,
  );
  expect(down.code).toBe(1);
  expect(down.stderr.trim().split("\n")).toHaveLength(1);
  expect(down.stderr).not.toContain("hunter2");
});
