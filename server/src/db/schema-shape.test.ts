import { describe, expect, test } from "bun:test";
import { openDb } from "./open.ts";
import { createTestDatabase, usePgCluster } from "./pg/_test-cluster.ts";
import { pgShape, sqliteShape } from "./schema-shape.ts";

usePgCluster();

describe("one schema on both databases", () => {
  test("migrated SQLite and Postgres have the same tables, columns, keys, unique constraints and indexes", async () => {
    const lite = sqliteShape(openDb(":memory:").$client);
    const sql = new Bun.SQL(await createTestDatabase(), { max: 1 });
    const pg = await pgShape(sql);
    await sql.close();
    expect(Object.keys(lite).sort()).toEqual([
      "analytics_events",
      "analytics_keys",
      "analytics_person_ids",
      "analytics_persons",
      "api_keys",
      "audit_log",
      "device_codes",
      "flag_sdk_keys",
      "flags",
      "invitations",
      "join_requests",
      "kill_switches",
      "magic_links",
      "org_members",
      "orgs",
      "rate_limits",
      "sessions",
      "share_links",
      "support_grants",
      "team_members",
      "teams",
      "threads",
      "tokens",
      "usage",
      "user_roles",
      "users",
    ]);
    expect(pg).toEqual(lite);
  });

  test("the comparison sees a difference: a column only one side has", async () => {
    const db = openDb(":memory:");
    db.$client.run("ALTER TABLE tokens ADD note text");
    const sql = new Bun.SQL(await createTestDatabase(), { max: 1 });
    const pg = await pgShape(sql);
    await sql.close();
    expect(pg).not.toEqual(sqliteShape(db.$client));
  });
});
