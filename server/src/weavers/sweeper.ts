/**
 * The weavers' upkeep, on a timer: deletes the ones past their expiry (`weaver.deleted`) and reports
 * the ones that finished since the last round (`weaver.exited`, once per weaver: the driver records
 * the report with the weaver — `claimExit` — so a restarted server or another replica does not send
 * it again). With several replicas one runs each round (`lock`: Postgres advisory lock; see
 * specs/server.md "Several replicas").
 */
import type { Logger } from "../logger.ts";
import type { WeaverDriver, WeaverInfo } from "./driver.ts";
import type { Webhooks } from "./webhooks.ts";

/** Runs `fn` if this replica gets the round; undefined when another one has it. */
export type RoundLock = <T>(fn: () => Promise<T>) => Promise<T | undefined>;

export const noLock: RoundLock = (fn) => fn();

const ENDED = new Set(["succeeded", "failed"]);

export function createSweeper(o: {
  driver: WeaverDriver;
  webhooks: Webhooks;
  log: Logger;
  clock: () => Date;
  lock?: RoundLock;
}) {
  const reported = new Set<string>();
  const lock = o.lock ?? noLock;

  /** One round: `all` also removes weavers whose process is gone (admin cleanup). */
  const sweep = async (all = false): Promise<string[]> => {
    const now = o.clock().getTime();
    const deleted: string[] = [];
    for (const w of await o.driver.list()) {
      const orphan =
        w.status === "failed" && w.exitCode === undefined && w.reason?.includes("process is gone");
      if (Date.parse(w.expiresAt) <= now || (all && orphan)) {
        if (await o.driver.delete(w.id)) {
          deleted.push(w.id);
          reported.delete(w.id);
          o.webhooks.send("weaver.deleted", { ...w, status: "terminating" });
          o.log.info("weaver.deleted", { id: w.id, reason: orphan && all ? "orphan" : "expired" });
        }
        continue;
      }
      if (ENDED.has(w.status) && !reported.has(w.id)) await exited(w);
    }
    return deleted;
  };
  /** Claimed before it is sent: a crash in between loses the event rather than repeating it. */
  const exited = async (w: WeaverInfo) => {
    if (reported.has(w.id)) return;
    reported.add(w.id);
    const first = await o.driver.claimExit(w.id).catch((e: Error) => {
      reported.delete(w.id);
      o.log.error("weaver.claim_failed", { id: w.id, message: String(e.message).slice(0, 200) });
      return false;
    });
    if (first) o.webhooks.send("weaver.exited", w);
  };

  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<unknown> | undefined;
  return {
    sweep: (all = false) => lock(() => sweep(all)),
    /** A weaver seen finished elsewhere (a failed start): reported once (runs in the background). */
    exited,
    start(everyMs: number) {
      timer = setInterval(() => {
        if (running) return;
        running = lock(() => sweep())
          .catch((e) =>
            o.log.error("weaver.sweep_failed", { message: String((e as Error).message).slice(0, 200) }),
          )
          .finally(() => {
            running = undefined;
          });
      }, everyMs);
      timer.unref?.();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
