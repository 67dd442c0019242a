/**
 * One per app: takes every flag change from the bus (this replica's or, on Postgres, any replica's),
 * loads what changed once, and hands it to this process's stream subscribers of that org. 1,000
 * subscribers of one org cost one read per change, not 1,000.
 */
import type { FlagBus, FlagEventType } from "./events.ts";
import type { FlagRecord, FlagStore, KillSwitchRecord } from "./store.ts";

export interface FlagChange {
  type: FlagEventType;
  orgId: string;
  key: string;
  /** The flag now (flag events). */
  flag?: FlagRecord;
  /** The switch now (kill switch events). */
  killSwitch?: KillSwitchRecord;
  /** Every switch of the org now (kill states of the flags). */
  switches: KillSwitchRecord[];
}

export interface FlagHub {
  subscribe(orgId: string, fn: (c: FlagChange) => void): () => void;
  size(): number;
  close(): void;
}

export function createFlagHub(store: FlagStore, bus: FlagBus, onError: (e: unknown) => void): FlagHub {
  const byOrg = new Map<string, Set<(c: FlagChange) => void>>();
  let count = 0;
  const unsubscribe = bus.subscribe((e) => {
    const subs = byOrg.get(e.orgId);
    if (!subs || subs.size === 0) return;
    void (async () => {
      const switches = await store.listSwitches(e.orgId);
      const change: FlagChange = { type: e.type, orgId: e.orgId, key: e.key, switches };
      if (e.type.startsWith("flag.")) change.flag = await store.getFlag(e.orgId, e.key);
      else change.killSwitch = switches.find((s) => s.key === e.key);
      for (const fn of byOrg.get(e.orgId) ?? []) {
        try {
          fn(change);
        } catch {
          // a closed stream
        }
      }
    })().catch(onError);
  });
  return {
    subscribe(orgId, fn) {
      let subs = byOrg.get(orgId);
      if (!subs) {
        subs = new Set();
        byOrg.set(orgId, subs);
      }
      subs.add(fn);
      count++;
      return () => {
        if (subs.delete(fn)) count--;
        if (subs.size === 0) byOrg.delete(orgId);
      };
    },
    size: () => count,
    close: unsubscribe,
  };
}
