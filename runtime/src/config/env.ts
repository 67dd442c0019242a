/**
 * The environment layer: `LOOM_<SECTION>__<FIELD>` (more `__` for deeper keys) plus the usual
 * provider variables. Values are read as TOML scalars (numbers, booleans, arrays) unless the
 * schema wants a string there. Empty variables count as unset.
 */
import type { Env } from "../paths.ts";
import type { Layer, Table } from "./merge.ts";
import { expectsArray, expectsString, type SchemaNode, schemaAt } from "./schema-walk.ts";
import { type ConfigSource, keyPath } from "./source.ts";

/** Well-known variables (providers', `LOOM_SERVER_URL`) and the key each one sets; `LOOM_<SECTION>__…` overrides them. */
export const PROVIDER_VARIABLES: ReadonlyArray<readonly [variable: string, key: readonly string[]]> = [
  ["ANTHROPIC_API_KEY", ["providers", "anthropic", "api_key"]],
  ["ANTHROPIC_BASE_URL", ["providers", "anthropic", "base_url"]],
  ["OPENAI_API_KEY", ["providers", "openai", "api_key"]],
  ["OPENAI_BASE_URL", ["providers", "openai", "base_url"]],
  ["GOOGLE_CLOUD_PROJECT", ["providers", "vertex", "project"]],
  ["GOOGLE_CLOUD_LOCATION", ["providers", "vertex", "location"]],
  ["LOOM_SERVER_URL", ["server", "url"]],
  ["LOOM_SERVER_DATABASE_URL", ["server", "database_url"]],
];

const LOOM_VAR = /^LOOM_(.+?)__(.+)$/;

/** `LOOM_AGENT__MAX_RETRIES` → ["agent", "max_retries"]; undefined for other variables. */
export function keyOfVariable(name: string): string[] | undefined {
  const match = LOOM_VAR.exec(name);
  if (!match) return undefined;
  return [match[1] ?? "", ...(match[2] ?? "").split("__")].map((s) => s.toLowerCase());
}

export function envLayer(env: Env, schema: SchemaNode): Layer {
  const values: Table = {};
  const sources = new Map<string, ConfigSource>();
  const set = (segments: readonly string[], raw: string, variable: string) => {
    if (segments.includes("__proto__")) return;
    let table = values;
    for (const segment of segments.slice(0, -1)) {
      const next = table[segment];
      table[segment] = typeof next === "object" && next !== null && !Array.isArray(next) ? next : {};
      table = table[segment] as Table;
    }
    table[segments[segments.length - 1] ?? ""] = parseValue(raw, schemaAt(schema, segments));
    sources.set(keyPath(segments), { kind: "env", name: variable });
  };
  for (const [variable, key] of PROVIDER_VARIABLES) {
    const raw = env[variable];
    if (raw !== undefined && raw !== "") set(key, raw, variable);
  }
  for (const name of Object.keys(env).sort()) {
    const raw = env[name];
    const key = keyOfVariable(name);
    if (key !== undefined && raw !== undefined && raw !== "") set(key, raw, name);
  }
  return {
    values,
    sourceOf(segments) {
      for (let n = segments.length; n > 0; n--) {
        const found = sources.get(keyPath(segments.slice(0, n)));
        if (found) return found;
      }
      // A table: name the first variable that reaches into it.
      const prefix = `${keyPath(segments)}.`;
      for (const [key, source] of sources) if (key.startsWith(prefix)) return source;
      return { kind: "env", name: "LOOM_*" };
    },
  };
}

/** A variable's text as a TOML value where the schema allows one; the raw text otherwise. */
export function parseValue(raw: string, schema: SchemaNode | undefined): unknown {
  if (expectsString(schema) || raw.includes("\n")) return raw;
  let parsed: unknown;
  try {
    parsed = (Bun.TOML.parse(`v = ${raw}`) as Record<string, unknown>).v;
  } catch {
    return raw;
  }
  if (expectsArray(schema)) return Array.isArray(parsed) ? parsed : raw;
  return typeof parsed === "number" || typeof parsed === "boolean" || typeof parsed === "string"
    ? parsed
    : raw;
}
