/**
 * Checks a value against the JSON Schema subset the config schema uses (object, record, string
 * with minLength and pattern, integer, number, boolean, array, const, anyOf). Yields every problem with its path, like
 * TypeBox's `Value.Errors`, without loading TypeBox at start-up.
 */
import type { SchemaNode } from "./schema-walk.ts";

export type CheckIssue =
  | { kind: "unknown"; path: string[] }
  | { kind: "missing"; path: string[]; schema: SchemaNode }
  | { kind: "invalid"; path: string[]; schema: SchemaNode; value: unknown };

export function checkValue(schema: SchemaNode, value: unknown): CheckIssue[] {
  const issues: CheckIssue[] = [];
  visit(schema, value, [], issues);
  return issues;
}

/** True when `value` satisfies `schema` (no issues). */
export function matches(schema: SchemaNode, value: unknown): boolean {
  return checkValue(schema, value).length === 0;
}

function visit(schema: SchemaNode, value: unknown, path: string[], issues: CheckIssue[]): void {
  if (schema.anyOf !== undefined) {
    if (!schema.anyOf.some((option) => matches(option, value)))
      issues.push({ kind: "invalid", path, schema, value });
    return;
  }
  if (schema.const !== undefined && value !== schema.const) {
    issues.push({ kind: "invalid", path, schema, value });
    return;
  }
  switch (schema.type) {
    case "object":
      visitObject(schema, value, path, issues);
      return;
    case "array":
      if (!Array.isArray(value)) {
        issues.push({ kind: "invalid", path, schema, value });
        return;
      }
      for (const [i, item] of value.entries())
        if (schema.items) visit(schema.items, item, [...path, String(i)], issues);
      return;
    case "string":
      if (
        typeof value !== "string" ||
        value.length < (schema.minLength ?? 0) ||
        (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value))
      ) {
        issues.push({ kind: "invalid", path, schema, value });
      }
      return;
    case "integer":
    case "number":
      if (!numberFits(schema, value)) issues.push({ kind: "invalid", path, schema, value });
      return;
    case "boolean":
      if (typeof value !== "boolean") issues.push({ kind: "invalid", path, schema, value });
      return;
    default:
      return;
  }
}

function numberFits(schema: SchemaNode, value: unknown): boolean {
  if (typeof value !== "number" || Number.isNaN(value)) return false;
  if (schema.type === "integer" && !Number.isInteger(value)) return false;
  if (schema.minimum !== undefined && value < schema.minimum) return false;
  return schema.maximum === undefined || value <= schema.maximum;
}

function visitObject(schema: SchemaNode, value: unknown, path: string[], issues: CheckIssue[]): void {
  if (typeof value !== "object" || value === null || Array.isArray(value) || !isPlain(value)) {
    issues.push({ kind: "invalid", path, schema, value });
    return;
  }
  const table = value as Record<string, unknown>;
  for (const key of schema.required ?? []) {
    const child = schema.properties?.[key];
    if (!Object.hasOwn(table, key) && child)
      issues.push({ kind: "missing", path: [...path, key], schema: child });
  }
  const pattern = schema.patternProperties ? Object.values(schema.patternProperties)[0] : undefined;
  for (const key of Object.keys(table)) {
    const declared =
      schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
    const extra = typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined;
    const child = declared ?? pattern ?? extra;
    if (child === undefined) {
      if (schema.additionalProperties === false) issues.push({ kind: "unknown", path: [...path, key] });
      continue;
    }
    visit(child, table[key], [...path, key], issues);
  }
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
