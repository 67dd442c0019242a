/**
 * Per-key token bucket: `perMinute` requests, refilled continuously. Clock injected for tests. This one
 * is one process's memory (the SQLite server); replicas on Postgres share `db/pg/rate-limit.ts`.
 */
export interface RateLimiter {
  /** Takes one request; returns `undefined` when allowed, else the ms to wait. `perMinute` overrides the default. */
  take(key: string, perMinute?: number): number | undefined | Promise<number | undefined>;
}

export function createRateLimiter(opts: { perMinute: number; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key: string, perMinute?: number): number | undefined {
      const capacity = Math.max(1, perMinute ?? opts.perMinute);
      const perMs = capacity / 60_000;
      const t = now();
      const b = buckets.get(key) ?? { tokens: capacity, at: t };
      b.tokens = Math.min(capacity, b.tokens + (t - b.at) * perMs);
      b.at = t;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return undefined;
      }
      return Math.ceil((1 - b.tokens) / perMs);
    },
  };
}
