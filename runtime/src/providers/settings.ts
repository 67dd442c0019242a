/**
 * Reads a provider's free-form settings as config delivers them: TOML keys in snake_case
 * (`idle_timeout_ms`) or camelCase (`idleTimeoutMs`), secrets wrapped in `Secret`.
 * @example
 * const s = readSettings(options.settings);
 * s.number("idleTimeoutMs", 60_000); // reads idleTimeoutMs or idle_timeout_ms
 */
import { LoomError } from "../errors.ts";
import { Secret } from "../secret.ts";

export interface SettingsReader {
  string(key: string): string | undefined;
  number(key: string, fallback: number): number;
  boolean(key: string, fallback: boolean): boolean;
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function readSettings(
  provider: string,
  settings: Record<string, unknown> | undefined,
): SettingsReader {
  const raw = (key: string): unknown => {
    const value = settings?.[key] ?? settings?.[snake(key)];
    return value instanceof Secret ? value.expose() : value;
  };
  const wrong = (key: string, expected: string, value: unknown): never => {
    throw new LoomError(
      "CONFIG_INVALID",
      `providers.${provider}.${snake(key)}: expected ${expected}, got ${JSON.stringify(value)}`,
      { provider, key: snake(key) },
    );
  };
  return {
    string(key) {
      const v = raw(key);
      if (v === undefined || v === "") return undefined;
      return typeof v === "string" ? v : wrong(key, "a string", v);
    },
    number(key, fallback) {
      const v = raw(key);
      if (v === undefined) return fallback;
      return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : wrong(key, "a positive number", v);
    },
    boolean(key, fallback) {
      const v = raw(key);
      if (v === undefined) return fallback;
      return typeof v === "boolean" ? v : wrong(key, "true or false", v);
    },
  };
}
