import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { createTestDatabase, usePgCluster } from "./_test-cluster.ts";
import { BUNDLED_PG_MIGRATIONS } from "./bundled-migrations.ts";
import { migratePg } from "./migrate.ts";

const DIR = join(import.meta.dir, "../../../migrations-pg");

usePgCluster();

describe("Postgres migrations", () => {
  test("the bundled migrations are exactly the NNN_description.sql files in server/migrations-pg", async () => {
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith(".sql"))
      .sort();
    expect(files.map((f) => f.slice(0, 3))).toEqual(files.map((_, i) => String(i).padStart(3, "0")));
    expect(Object.keys(BUNDLED_PG_MIGRATIONS).sort()).toEqual(files);
    for (const f of files) expect(BUNDLED_PG_MIGRATIONS[f]).toBe(await Bun.file(join(DIR, f)).text());
  });

  test("two replicas starting at once on an empty database: each migration applies once", async () => {
    const url = await createTestDatabase({ empty: true });
    const a = new Bun.SQL(url, { max: 2 });
    const b = new Bun.SQL(url, { max: 2 });
    const [ra, rb] = await Promise.all([migratePg(a), migratePg(b)]);
    const all = Object.keys(BUNDLED_PG_MIGRATIONS).sort();
    // One of them applied everything, in order; the other waited for the lock and found nothing to do.
    expect([ra, rb].sort((x, y) => y.length - x.length)).toEqual([all, []]);
    const rows: { name: string }[] = await a`SELECT name FROM _migrations ORDER BY name`;
    expect(rows.map((r) => r.name)).toEqual(all);
    // A later start applies nothing.
    expect(await migratePg(a)).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  });
});
