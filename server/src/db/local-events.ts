/** Thread events within one process: the SQLite server's fan-out, and each Postgres replica's local end. */
import type { ThreadEvent, ThreadEvents } from "./backend.ts";

export function createLocalEvents(): ThreadEvents & { publish(e: ThreadEvent): void; size(): number } {
  const subs = new Set<(e: ThreadEvent) => void>();
  return {
    subscribe(fn) {
      subs.add(fn);
      return () => subs.delete(fn);
    },
    publish(e) {
      for (const fn of subs) {
        try {
          fn(e);
        } catch {
          // One subscriber's failure (a closed stream) is not another's.
        }
      }
    },
    size: () => subs.size,
  };
}
