/**
 * `loom-plugin.json`: the one schema for plugin manifests. The published JSON Schema
 * (`loom-plugin.schema.json` beside this file) is generated from `PluginManifest`.
 */
import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { LoomError } from "../errors.ts";
import { readOwnFile } from "../own-file.ts";

const Name = Type.String({
  pattern: "^[a-z0-9][a-z0-9._-]{0,63}$",
  description: "lower-case, digits, . _ -",
});
const ToolName = Type.String({ pattern: "^[a-zA-Z][a-zA-Z0-9_-]{0,63}$" });

export const PluginTool = Type.Object(
  {
    name: ToolName,
    description: Type.String({ minLength: 1 }),
    inputSchema: Type.Record(Type.String(), Type.Unknown(), { description: "JSON Schema of the tool input" }),
    export: Type.Optional(
      Type.String({ minLength: 1, description: "WASM export (or TS tool name); default: name" }),
    ),
    mutating: Type.Optional(Type.Boolean({ description: "changes the workspace" })),
  },
  { additionalProperties: false },
);
export type PluginTool = Static<typeof PluginTool>;

export const PluginPermissions = Type.Object(
  {
    read: Type.Optional(Type.Array(Type.String(), { description: "workspace-relative paths; '.' = all" })),
    write: Type.Optional(Type.Array(Type.String(), { description: "workspace-relative paths; '.' = all" })),
    exec: Type.Optional(Type.Boolean()),
    network: Type.Optional(
      Type.Array(Type.String(), { description: "host names; '*.example.com' for subdomains" }),
    ),
    env: Type.Optional(Type.Array(Type.String(), { description: "environment variable names" })),
  },
  { additionalProperties: false },
);
export type PluginPermissions = Static<typeof PluginPermissions>;

export const PluginLimits = Type.Object(
  {
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 600_000 })),
    memoryMb: Type.Optional(Type.Integer({ minimum: 1, maximum: 4096 })),
    maxOutputBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 * 1024 * 1024 })),
  },
  { additionalProperties: false },
);
export type PluginLimits = Static<typeof PluginLimits>;

export const PluginProvider = Type.Object(
  {
    export: Type.Optional(
      Type.String({ minLength: 1, description: "wasm export that streams one model request; default chat" }),
    ),
    defaultModel: Type.Optional(
      Type.String({ minLength: 1, description: "model used when neither --model nor agent.model names one" }),
    ),
  },
  { additionalProperties: false },
);
export type PluginProvider = Static<typeof PluginProvider>;

/** The export a wasm provider plugin streams requests through, when the manifest names none. */
export const DEFAULT_PROVIDER_EXPORT = "chat";

export const PluginManifest = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Name,
    version: Type.String({ pattern: "^\\d+\\.\\d+\\.\\d+([-+][0-9A-Za-z.-]+)?$" }),
    description: Type.String(),
    kind: Type.Union([Type.Literal("tool"), Type.Literal("provider")]),
    runtime: Type.Union([Type.Literal("wasm"), Type.Literal("ts")]),
    entry: Type.String({
      minLength: 1,
      description: "path of the .wasm or TS module, relative to the manifest",
    }),
    sha256: Type.Optional(
      Type.String({ pattern: "^[0-9a-f]{64}$", description: "hex sha256 of the wasm entry" }),
    ),
    tools: Type.Array(PluginTool, { default: [] }),
    provider: Type.Optional(PluginProvider),
    build: Type.Optional(
      Type.String({
        minLength: 1,
        description: "shell command `loom plugin build` runs in the plugin folder to produce the entry",
      }),
    ),
    permissions: Type.Optional(PluginPermissions),
    limits: Type.Optional(PluginLimits),
  },
  {
    additionalProperties: false,
    $id: "https://loom.dev/schemas/loom-plugin.json",
    title: "Loom plugin manifest",
  },
);
export type PluginManifest = Static<typeof PluginManifest>;

export const DEFAULT_LIMITS: Required<PluginLimits> = {
  timeoutMs: 30_000,
  memoryMb: 64,
  maxOutputBytes: 1024 * 1024,
};

export function limitsOf(m: PluginManifest): Required<PluginLimits> {
  return { ...DEFAULT_LIMITS, ...m.limits };
}

function fieldOf(path: string): string {
  return path === "" ? "(root)" : path.slice(1).replaceAll("/", ".");
}

/**
 * Validates an unknown value as a manifest. Throws PLUGIN_INVALID naming the field at fault.
 * @example parseManifest(JSON.parse(text), "plugins/edit/loom-plugin.json")
 */
export function parseManifest(value: unknown, where = "loom-plugin.json"): PluginManifest {
  const first = Value.Errors(PluginManifest, value).First();
  if (first) {
    const field = fieldOf(first.path);
    const message = first.message === "Expected required property" ? "is required" : first.message;
    throw new LoomError("PLUGIN_INVALID", `${where}: field '${field}': ${message}`, { field, where });
  }
  const m = value as PluginManifest;
  const fail = (field: string, message: string): never => {
    throw new LoomError("PLUGIN_INVALID", `${where}: field '${field}': ${message}`, { field, where });
  };
  if (m.runtime === "wasm" && m.sha256 === undefined) fail("sha256", "required for a wasm plugin");
  if (m.kind === "tool" && m.runtime === "wasm" && m.tools.length === 0) {
    fail("tools", "a wasm tool plugin must list at least one tool");
  }
  if (m.provider !== undefined && m.kind !== "provider")
    fail("provider", "only for a plugin of kind provider");
  if (m.entry.startsWith("/") || m.entry.split(/[\\/]/).includes("..")) {
    fail("entry", `'${m.entry}' must be a path inside the plugin folder`);
  }
  const seen = new Set<string>();
  m.tools.forEach((t, i) => {
    if (seen.has(t.name)) fail(`tools.${i}.name`, `duplicate tool name '${t.name}'`);
    seen.add(t.name);
    if (t.inputSchema["type"] !== "object") fail(`tools.${i}.inputSchema.type`, "must be 'object'");
  });
  for (const key of ["read", "write"] as const) {
    (m.permissions?.[key] ?? []).forEach((p, i) => {
      if (p.startsWith("/") || p.split(/[\\/]/).includes("..")) {
        fail(`permissions.${key}.${i}`, `'${p}' must be a workspace-relative path without '..'`);
      }
    });
  }
  return m;
}

/** Larger manifests are refused unread. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

/** Reads and validates a manifest file: a regular file (not a FIFO or device) of at most MAX_MANIFEST_BYTES. */
export async function readManifest(file: string): Promise<PluginManifest> {
  return readManifestSync(file);
}

/** `readManifest` without a promise, for callers that must decide synchronously (provider lookup at start). */
export function readManifestSync(file: string): PluginManifest {
  let text: string;
  try {
    const f = readOwnFile(file, { maxBytes: MAX_MANIFEST_BYTES });
    if (f === undefined)
      throw new LoomError("PLUGIN_INVALID", `${file}: not found (a plugin folder needs one)`);
    if (f.truncated) throw new LoomError("PLUGIN_INVALID", `${file}: larger than 1 MiB`);
    text = f.bytes.toString("utf8");
  } catch (e) {
    throw new LoomError("PLUGIN_INVALID", (e as Error).message, { where: file });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new LoomError("PLUGIN_INVALID", `${file}: not valid JSON (${(e as Error).message})`, {
      where: file,
    });
  }
  return parseManifest(json, file);
}
