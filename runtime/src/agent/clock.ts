/**
 * Time as a dependency: the driver reads the time and starts timers only through a `Clock`, so tests can
 * run retries and timeouts without waiting.
 */

export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in time order (ties in creation order). */
  advance(ms: number): void;
  /** Delays of the timers not yet fired, relative to now, in firing order. */
  pending(): number[];
}

interface ManualTimer {
  id: number;
  at: number;
  fn: () => void;
}

/**
 * A clock that moves only when told to.
 * @example
 * const clock = createManualClock();
 * clock.setTimeout(() => console.log("fired"), 200);
 * clock.advance(199); // nothing
 * clock.advance(1); // "fired"
 */
export function createManualClock(start = 0): ManualClock {
  let now = start;
  let nextId = 1;
  let timers: ManualTimer[] = [];
  const byTime = (a: ManualTimer, b: ManualTimer) => a.at - b.at || a.id - b.id;
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const timer = { id: nextId++, at: now + Math.max(0, ms), fn };
      timers.push(timer);
      return timer.id;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t.id !== handle);
    },
    advance(ms) {
      const until = now + Math.max(0, ms);
      // Bounded: each pass fires one timer; a timer set while advancing with a zero delay still fires.
      for (let fired = 0; fired < 100_000; fired++) {
        const due = timers.filter((t) => t.at <= until).sort(byTime)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = until;
    },
    pending: () => [...timers].sort(byTime).map((t) => t.at - now),
  };
}
