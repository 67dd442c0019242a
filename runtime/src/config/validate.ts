/**
 * Validates the merged config against the one schema and turns the first problem into one line
 * that names where the bad value came from, its key, and what was expected.
 */
import { didYouMean } from "../did-you-mean.ts";
import { LoomError } from "../errors.ts";
import { isSecretKey } from "../log.ts";
import { type CheckIssue, checkValue } from "./check.ts";
import schemaJson from "./config.schema.json" with { type: "json" };
import { isTable, type Table } from "./merge.ts";
import type { ConfigInput } from "./schema.ts";
import { describeExpected, knownKeys, type SchemaNode, schemaAt } from "./schema-walk.ts";
import { type ConfigSource, describeSource, keyPath } from "./source.ts";

/** The merged-config schema as plain JSON Schema (generated from schema.ts). */
export const CONFIG_SCHEMA = schemaJson as SchemaNode;

export interface ConfigIssue {
  key: string;
  source: string;
  problem: string;
}

/** Returns the merged values typed as the schema, or throws CONFIG_INVALID. */
export function validateConfig(values: Table, origins: ReadonlyMap<string, ConfigSource>): ConfigInput {
  const issues: ConfigIssue[] = [];
  for (const issue of checkValue(CONFIG_SCHEMA, values)) issues.push(toIssue(issue, origins));
  if (issues.length === 0) return values as ConfigInput;
  // A misspelt key explains later errors best, so it goes first.
  issues.sort((a, b) => Number(b.problem.startsWith("unknown")) - Number(a.problem.startsWith("unknown")));
  const first = issues[0] as ConfigIssue;
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  throw new LoomError("CONFIG_INVALID", `${first.source}: ${first.key}: ${first.problem}${more}`, {
    issues: issues.map((i) => `${i.source}: ${i.key}: ${i.problem}`),
  });
}

function toIssue(issue: CheckIssue, origins: ReadonlyMap<string, ConfigSource>): ConfigIssue {
  const segments = issue.path;
  const key = keyPath(segments);
  const source = describeSource(originOf(segments, origins));
  switch (issue.kind) {
    case "unknown":
      return { key, source, problem: `unknown key${suggestion(segments)}` };
    case "missing":
      return { key, source, problem: `missing; expected ${describeExpected(issue.schema)}` };
    case "invalid": {
      const secret = isSecretKey(segments[segments.length - 1] ?? "");
      return {
        key,
        source,
        problem: `expected ${describeExpected(issue.schema)}, got ${describeGot(issue.value, secret)}`,
      };
    }
  }
}

function originOf(segments: readonly string[], origins: ReadonlyMap<string, ConfigSource>): ConfigSource {
  for (let n = segments.length; n >= 0; n--) {
    const found = origins.get(keyPath(segments.slice(0, n)));
    if (found) return found;
  }
  return { kind: "default" };
}

function describeGot(value: unknown, secret: boolean): string {
  if (Array.isArray(value)) return "an array";
  if (isTable(value)) return "a table";
  if (secret) return `a ${typeof value} (value hidden)`;
  // TOML dates arrive as Temporal objects: show them as written.
  const text = typeof value === "object" ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function suggestion(segments: readonly string[]): string {
  const name = segments[segments.length - 1] ?? "";
  const known = knownKeys(schemaAt(CONFIG_SCHEMA, segments.slice(0, -1)));
  const close = didYouMean(name, known, (k) => keyPath([...segments.slice(0, -1), k]));
  if (close) return close;
  return known.length > 0 ? ` (known keys: ${known.join(", ")})` : "";
}
