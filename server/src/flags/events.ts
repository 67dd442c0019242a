/**
 * Flag changes between replicas. SQLite: in this process only. Postgres: `pg_notify(FLAG_EVENTS_CHANNEL,
 * json)` after the write commits; every replica (the writer's too) LISTENs on one connection and hands
 * each notification to its hub (`hub.ts`), which loads the changed flag once and feeds its own SSE
 * subscribers. Payloads carry only org, type and key (NOTIFY payloads are capped at 8,000 bytes).
 */
export const FLAG_EVENTS_CHANNEL = "loom_flag_events";

export const FLAG_EVENT_TYPES = [
  "flag.updated",
  "flag.archived",
  "flag.restored",
  "killswitch.activated",
  "killswitch.deactivated",
  "killswitch.updated",
] as const;
export type FlagEventType = (typeof FLAG_EVENT_TYPES)[number];

export interface FlagEvent {
  orgId: string;
  type: FlagEventType;
  key: string;
}

export interface FlagBus {
  publish(e: FlagEvent): Promise<void>;
  /** Every flag change on the cluster; returns the unsubscribe. */
  subscribe(fn: (e: FlagEvent) => void): () => void;
  close(): Promise<void>;
}

function fanOut() {
  const subs = new Set<(e: FlagEvent) => void>();
  return {
    subscribe(fn: (e: FlagEvent) => void) {
      subs.add(fn);
      return () => {
        subs.delete(fn);
      };
    },
    deliver(e: FlagEvent) {
      for (const fn of subs) {
        try {
          fn(e);
        } catch {
          // One subscriber's failure is not another's.
        }
      }
    },
  };
}

export function localFlagBus(): FlagBus {
  const f = fanOut();
  return {
    async publish(e) {
      f.deliver(e);
    },
    subscribe: f.subscribe,
    async close() {},
  };
}

export async function pgFlagBus(sql: Bun.SQL): Promise<FlagBus> {
  const f = fanOut();
  const sub = await sql.listen(FLAG_EVENTS_CHANNEL, (payload: string) => {
    try {
      const e = JSON.parse(payload) as FlagEvent;
      if (typeof e.orgId === "string" && typeof e.key === "string") f.deliver(e);
    } catch {
      // not ours
    }
  });
  return {
    async publish(e) {
      await sql`SELECT pg_notify(${FLAG_EVENTS_CHANNEL}, ${JSON.stringify(e)})`;
    },
    subscribe: f.subscribe,
    async close() {
      await sub.unlisten().catch(() => {});
    },
  };
}
