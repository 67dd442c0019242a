/**
 * What the weaver routes need to know from `[weavers]`: limits, time to live, webhooks. Durations
 * are `90s`, `30m`, `8h`, `2d` or a number of seconds.
 */
export interface WeaverSettings {
  maxPerUser: number;
  maxPerOrg: number;
  maxTotal: number;
  defaultTtlMs: number;
  maxTtlMs: number;
  /** How long a new weaver may take to become ready before it is reported failed. */
  readyTimeoutMs: number;
  /** Expired weavers are deleted (and finished ones reported) this often. */
  sweepMs: number;
  /** The model the weavers' Loom uses through the proxy (`LOOM_AGENT__PROVIDER` / `__MODEL`). */
  provider?: string;
  model?: string;
}

export const DEFAULT_WEAVER_SETTINGS: WeaverSettings = {
  maxPerUser: 5,
  maxPerOrg: 20,
  maxTotal: 50,
  defaultTtlMs: 4 * 3600_000,
  maxTtlMs: 48 * 3600_000,
  readyTimeoutMs: 60_000,
  sweepMs: 30_000,
};

const UNIT: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };

/** `8h` → 28,800,000; a number is seconds; undefined when malformed. */
export function parseDuration(v: string | number): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) && v > 0 ? Math.round(v * 1000) : undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(v.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (UNIT[m[2] ?? "s"] ?? 1000);
  return ms > 0 ? Math.round(ms) : undefined;
}

export function newWeaverId(): string {
  return `weaver-${Bun.randomUUIDv7()}`;
}
