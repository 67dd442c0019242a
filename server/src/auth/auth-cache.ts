/**
 * Token records and subjects remembered between requests for as long as nothing they were read from
 * has changed. In SQLite, triggers (migration 011) move the one-row counter `auth_epoch` on every
 * change to tokens, a user's disabled state, global roles, org and team memberships and teams; each
 * lookup reads that row first (about a microsecond) and forgets everything when it moved. So revoking
 * a token, disabling a user or removing a member applies to the next request, whichever process or
 * connection wrote it (`loom admin`, a second server on the same file). Without a counter (Postgres)
 * nothing is remembered. Values are frozen: a caller cannot change what the next request receives.
 * @example
 * const cache = createAuthCache(() => epochRow.get()?.n);
 * const rec = await cache.get(`token:${hash}`, () => tokens.find(secret));
 */

/** Entries kept at most; past it the cache starts over (a flood of distinct credentials). */
export const AUTH_CACHE_MAX = 10_000;

export interface AuthCache {
  /** `load()`'s answer for `key`, remembered while the epoch stands still (only found values are). */
  get<T extends object>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined>;
}

export function createAuthCache(epoch: () => number | undefined, max = AUTH_CACHE_MAX): AuthCache {
  const entries = new Map<string, object>();
  let at: number | undefined;
  return {
    async get<T extends object>(key: string, load: () => Promise<T | undefined>) {
      const e = epoch();
      if (e === undefined) return load();
      if (e !== at) {
        entries.clear();
        at = e;
      }
      const hit = entries.get(key);
      if (hit) return hit as T;
      const value = await load();
      // A change committed while loading may or may not be in `value`: keep it only if none was.
      if (value !== undefined && epoch() === e) {
        if (entries.size >= max) entries.clear();
        entries.set(key, deepFreeze(value));
      }
      return value;
    },
  };
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === "object" && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}
