/**
 * Reads the config schema as plain JSON Schema (the subset TypeBox emits for it): the node at a key
 * path, its defaults, and what it expects in words. Works on `config.schema.json`, so loading config
 * never imports TypeBox.
 */
export interface SchemaNode {
  type?: string;
  const?: unknown;
  default?: unknown;
  anyOf?: SchemaNode[];
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  patternProperties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
}

type Node = SchemaNode;

/** The schema node describing the value at `segments`, or undefined when no key there is allowed. */
export function schemaAt(schema: SchemaNode, segments: readonly string[]): SchemaNode | undefined {
  let node: Node | undefined = schema as Node;
  for (const segment of segments) {
    node = node === undefined ? undefined : childOf(node, segment);
  }
  return node;
}

export function childOf(node: Node, key: string): Node | undefined {
  const declared = node.properties?.[key];
  if (declared !== undefined && Object.hasOwn(node.properties ?? {}, key)) return declared;
  const pattern = node.patternProperties ? Object.values(node.patternProperties)[0] : undefined;
  if (pattern !== undefined) return pattern;
  return typeof node.additionalProperties === "object" ? node.additionalProperties : undefined;
}

/** The keys a table declares (for "did you mean"); empty for free-form tables. */
export function knownKeys(schema: SchemaNode | undefined): string[] {
  const node = schema as Node | undefined;
  return node?.properties ? Object.keys(node.properties) : [];
}

/** True when a value for this node must be a string (so env values are never coerced to numbers). */
export function expectsString(schema: SchemaNode | undefined): boolean {
  const node = schema as Node | undefined;
  if (node === undefined) return false;
  if (node.type === "string") return true;
  return node.anyOf?.every((n) => typeof n.const === "string" || n.type === "string") === true;
}

export function expectsArray(schema: SchemaNode | undefined): boolean {
  return (schema as Node | undefined)?.type === "array";
}

/** "integer >= 0", "one of \"ask\", \"auto\"", "array of strings", "table". */
export function describeExpected(schema: SchemaNode): string {
  const node = schema as Node;
  if (node.anyOf !== undefined) {
    if (node.anyOf.every((n) => n.const !== undefined)) {
      return `one of ${node.anyOf.map((n) => JSON.stringify(n.const)).join(", ")}`;
    }
    return node.anyOf.map(describeExpected).join(" or ");
  }
  if (node.const !== undefined) return JSON.stringify(node.const);
  switch (node.type) {
    case "integer":
    case "number":
      return withBounds(node.type, node);
    case "string":
      if (node.pattern !== undefined) return describePattern(node.pattern);
      return node.minLength !== undefined && node.minLength > 0 ? "non-empty string" : "string";
    case "boolean":
      return "boolean (true or false)";
    case "array":
      return node.items ? `array of ${plural(describeExpected(node.items))}` : "array";
    case "object":
      return "table";
    default:
      return "a valid value";
  }
}

/** A mail sender: `addr@host` or `Name <addr@host>` (no line breaks, one `@`, nothing after `>`). */
export const SMTP_FROM = "^(?:[^<>@\\r\\n]*<[^\\s<>@]+@[^\\s<>@]+>|[^\\s<>@]+@[^\\s<>@]+)$";

/** Patterns the schema uses, in words; any other as the regular expression. */
const PATTERN_WORDS: Record<string, string> = {
  "^https?://": "an http:// or https:// URL",
  "^smtps?://": "an smtp:// or smtps:// URL",
  [SMTP_FROM]: "an e-mail address such as loom@example.com or Loom <loom@example.com>",
  "^/": "an absolute path",
  "^\\d+(\\.\\d+)?(s|m|h|d)$": "a duration such as 30s, 10m, 4h or 2d",
  "^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$": "a Kubernetes quantity (e.g. 16Gi, 2, 500m)",
};

function describePattern(pattern: string): string {
  return PATTERN_WORDS[pattern] ?? `a string matching /${pattern}/`;
}

function withBounds(type: string, node: Node): string {
  const { minimum: min, maximum: max } = node;
  if (min !== undefined && max !== undefined) return `${type} from ${min} to ${max}`;
  if (min !== undefined) return `${type} >= ${min}`;
  if (max !== undefined) return `${type} <= ${max}`;
  return type;
}

function plural(word: string): string {
  return /^(string|integer|number|table)$/.test(word) ? `${word}s` : word;
}

/** The value a node defaults to, with every nested table's defaults filled in (fresh objects). */
export function defaultsOf(node: Node): unknown {
  if (node.type === "object" && node.properties !== undefined) {
    const base = node.default === undefined ? {} : structuredClone(node.default);
    const out = base as Record<string, unknown>;
    for (const [key, child] of Object.entries(node.properties)) {
      if (out[key] !== undefined || child.default === undefined) continue;
      out[key] = defaultsOf(child);
    }
    return out;
  }
  return node.default === undefined ? undefined : structuredClone(node.default);
}
