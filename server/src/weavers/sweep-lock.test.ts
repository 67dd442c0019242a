import { expect, test } from "bun:test";
import { BACKENDS } from "../_backends.ts";
import { createTestDatabase, usePgCluster } from "../db/pg/_test-cluster.ts";
import { silentLogger } from "../logger.ts";
import { memoryDriver } from "./_memory-driver.ts";
import { pgRoundLock } from "./sweep-lock.ts";
import { createSweeper } from "./sweeper.ts";
import { createWebhooks } from "./webhooks.ts";

const pg = BACKENDS.includes("postgres");
if (pg) usePgCluster();

test.skipIf(!pg)(
  "replicas sweeping at once: one round deletes the expired weaver, the other skips",
  async () => {
    const url = await createTestDatabase();
    const a = new Bun.SQL(url, { max: 2 });
    const b = new Bun.SQL(url, { max: 2 });
    const driver = memoryDriver(() => new Date(Date.now() - 3600_000));
    await driver.create({ id: "weaver-1", owner: { userId: "u" }, repo: "r", ttlMs: 1000 });
    const webhooks = createWebhooks({ urls: [], log: silentLogger });
    let rounds = 0;
    // Both rounds list slowly, so they overlap: the lock, not luck, decides.
    const slow = {
      ...driver,
      async list() {
        rounds++;
        await Bun.sleep(200);
        return driver.list();
      },
    };
    const sweeper = (sql: Bun.SQL) =>
      createSweeper({
        driver: slow,
        webhooks,
        log: silentLogger,
        clock: () => new Date(),
        lock: pgRoundLock(sql),
      });
    const [ra, rb] = await Promise.all([sweeper(a).sweep(), sweeper(b).sweep()]);
    expect([ra, rb].filter((r) => r === undefined)).toHaveLength(1);
    expect([ra, rb].find((r) => r !== undefined)).toEqual(["weaver-1"]);
    expect(rounds).toBe(1);
    // Free again afterwards.
    expect(await sweeper(b).sweep()).toEqual([]);
    await Promise.all([a.close(), b.close()]);
  },
);
