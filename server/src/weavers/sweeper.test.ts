/**
 * `weaver.exited` is sent once per weaver, also across a server restart: the sweeper of a new server
 * (a new sweeper over a new driver instance on the same weaver folders) does not send it again,
 * because the local driver records the report in the weaver's folder (`claimExit`).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../logger.ts";
import { emptyRepo } from "./_test-repo.ts";
import type { WeaverInfo } from "./driver.ts";
import { createLocalDriver } from "./local/local-driver.ts";
import { createSweeper } from "./sweeper.ts";
import type { WeaverEvent, Webhooks } from "./webhooks.ts";

const root = mkdtempSync(join(tmpdir(), "loom-sweeper-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sent: { event: WeaverEvent; id: string }[] = [];
const webhooks: Webhooks = {
  send: (event, w) => void sent.push({ event, id: w.id }),
  idle: async () => {},
};
/** What a (re)started server builds: a driver over the same folder and a fresh sweeper. */
const server = () => {
  const driver = createLocalDriver({
    root: join(root, "weavers"),
    serverUrl: () => "http://127.0.0.1:9",
    sandbox: "none",
    loom: ["sh", "-c", "echo done"],
  });
  return { driver, sweeper: createSweeper({ driver, webhooks, log: silentLogger, clock: () => new Date() }) };
};

test("weaver.exited is sent once for a weaver, not again by a restarted server's sweeper", async () => {
  const repo = emptyRepo(join(root, "repo"));
  const first = server();
  const id = `weaver-${Bun.randomUUIDv7()}`;
  await first.driver.create({ id, owner: { userId: "u1" }, repo, ttlMs: 60_000, task: "t" });
  let w: WeaverInfo | undefined;
  for (let i = 0; i < 400 && w?.status !== "succeeded"; i++) {
    await Bun.sleep(25);
    w = await first.driver.get(id);
  }
  expect(w?.status).toBe("succeeded");
  await first.sweeper.sweep();
  await first.sweeper.sweep();
  // The failed-start path and the sweeper meeting on one weaver still send one event.
  await first.sweeper.exited(w as WeaverInfo);
  expect(sent).toEqual([{ event: "weaver.exited", id }]);

  const restarted = server();
  await restarted.sweeper.sweep();
  await restarted.sweeper.exited(w as WeaverInfo);
  expect(sent).toEqual([{ event: "weaver.exited", id }]);
  expect(await restarted.driver.delete(id)).toBe(true);
}, 30_000);
