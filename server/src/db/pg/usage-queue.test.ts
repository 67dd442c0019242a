import { expect, test } from "bun:test";
import { createLogger } from "../../logger.ts";
import { createTestDatabase, usePgCluster } from "./_test-cluster.ts";
import { createPgUsageQueue } from "./usage-queue.ts";

usePgCluster();

test("flush waits for every write, including one that starts when the write in flight ends", async () => {
  const sql = new Bun.SQL(await createTestDatabase(), { max: 2 });
  // Each write takes a while, so the second one is still running when a flush that did not wait for it returns.
  const slow = ((strings: TemplateStringsArray, ...values: unknown[]) =>
    Bun.sleep(100).then(() => sql(strings, ...values))) as unknown as Bun.SQL;
  const q = createPgUsageQueue(slow, {
    clock: () => new Date("2026-12-03T12:00:00Z"),
    log: createLogger({ write: () => {} }),
    cost: () => 0,
  });
  const alice = { userId: "alice", via: "token", tokenId: "tok_a" };
  const use = (model: string) => ({ provider: "anthropic", model, inputTokens: 10, outputTokens: 1 });
  q.record(alice, use("m1")); // starts a write
  q.record(alice, use("m2")); // waits for it: the next write starts when the first one ends
  expect(await q.flush()).toBe(true);
  const rows: { model: string }[] = await sql`SELECT model FROM usage ORDER BY model`;
  expect(rows.map((r) => r.model)).toEqual(["m1", "m2"]);
  await q.close();
  await sql.close();
});
