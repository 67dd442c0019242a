/**
 * Thread events across replicas: writes `pg_notify(THREAD_EVENTS_CHANNEL, json)` inside their
 * transaction (delivered when it commits, never for a rolled-back write); each replica LISTENs on one
 * connection and hands every notification to its own subscribers (the SSE streams it serves). Bun's
 * client re-LISTENs after a reconnect. No broker: Postgres carries it.
 */
import type { ThreadEvent, ThreadEvents } from "../backend.ts";
import { createLocalEvents } from "../local-events.ts";

export const THREAD_EVENTS_CHANNEL = "loom_thread_events";

export async function listenThreadEvents(sql: Bun.SQL): Promise<ThreadEvents & { close(): Promise<void> }> {
  const local = createLocalEvents();
  const sub = await sql.listen(THREAD_EVENTS_CHANNEL, (payload: string) => {
    let e: ThreadEvent;
    try {
      e = JSON.parse(payload) as ThreadEvent;
    } catch {
      return; // not ours
    }
    local.publish(e);
  });
  return {
    subscribe: local.subscribe,
    async close() {
      await sub.unlisten().catch(() => {});
    },
  };
}
