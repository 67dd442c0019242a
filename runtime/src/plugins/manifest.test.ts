import { describe, expect, test } from "bun:test";
import { isLoomError } from "../errors.ts";
import { type PluginManifest, parseManifest } from "./manifest.ts";
import { manifestJsonSchema, SCHEMA_FILE } from "./write-schema.ts";

const valid: PluginManifest = {
  name: "word-count",
  version: "1.2.3",
  description: "Counts words",
  kind: "tool",
  runtime: "wasm",
  entry: "plugin.wasm",
  sha256: "a".repeat(64),
  tools: [{ name: "count_words", description: "c", inputSchema: { type: "object" }, mutating: false }],
  permissions: { read: ["src"], network: ["api.example.com"] },
  limits: { timeoutMs: 1000, memoryMb: 16, maxOutputBytes: 4096 },
};

function fieldAtFault(value: unknown): string {
  try {
    parseManifest(value);
  } catch (e) {
    if (isLoomError(e) && e.code === "PLUGIN_INVALID") return String(e.details?.["field"]);
    throw e;
  }
  throw new Error("accepted");
}

describe("parseManifest", () => {
  test("accepts a valid manifest", () => {
    expect(parseManifest(valid)).toEqual(valid);
  });

  test.each([
    ["name", { ...valid, name: "Has Space" }],
    ["version", { ...valid, version: "one" }],
    ["kind", { ...valid, kind: "widget" }],
    ["runtime", { ...valid, runtime: "python" }],
    ["sha256", { ...valid, sha256: undefined }],
    ["sha256", { ...valid, sha256: "xyz" }],
    ["tools", { ...valid, tools: [] }],
    ["tools", { ...valid, tools: undefined }],
    ["tools.0.name", { ...valid, tools: [{ ...valid.tools[0], name: "1bad" }] }],
    ["tools.1.name", { ...valid, tools: [valid.tools[0], valid.tools[0]] }],
    [
      "tools.0.inputSchema.type",
      { ...valid, tools: [{ ...valid.tools[0], inputSchema: { type: "string" } }] },
    ],
    ["permissions.read.0", { ...valid, permissions: { read: ["../up"] } }],
    ["permissions.write.0", { ...valid, permissions: { write: ["/etc"] } }],
    ["limits.timeoutMs", { ...valid, limits: { timeoutMs: 0 } }],
    ["limits.memoryMb", { ...valid, limits: { memoryMb: 1.5 } }],
    ["description", { ...valid, description: undefined }],
    ["extra", { ...valid, extra: 1 }],
    ["entry", { ...valid, entry: "../../evil.wasm" }],
    ["entry", { ...valid, entry: "/abs.wasm" }],
  ])("names the field at fault: %s", (field, value) => {
    expect(fieldAtFault(value)).toBe(field);
  });

  test("a TS plugin may leave tools empty (the module defines them)", () => {
    expect(parseManifest({ ...valid, runtime: "ts", sha256: undefined, tools: [] }).tools).toEqual([]);
  });

  test("the message is one line naming file and field", () => {
    expect(() => parseManifest({ ...valid, version: 3 }, "x/loom-plugin.json")).toThrow(
      "x/loom-plugin.json: field 'version': Expected string",
    );
  });
});

describe("published JSON Schema", () => {
  test("loom-plugin.schema.json matches the TypeBox schema (regenerate: bun runtime/src/plugins/write-schema.ts)", async () => {
    expect(await Bun.file(SCHEMA_FILE).json()).toEqual(JSON.parse(manifestJsonSchema()));
  });
});
