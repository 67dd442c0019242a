import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLoomError } from "../errors.ts";
import { MAX_MANIFEST_BYTES, type PluginManifest, parseManifest, readManifest } from "./manifest.ts";
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
    ["provider", { ...valid, provider: { export: "chat" } }],
    ["provider.export", { ...valid, kind: "provider", tools: [], provider: { export: "" } }],
    ["build", { ...valid, build: "" }],
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

describe("readManifest", () => {
  const dir = mkdtempSync(join(tmpdir(), "loom-manifest-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const failure = async (file: string) => {
    try {
      await readManifest(file);
    } catch (e) {
      if (isLoomError(e)) return e;
      throw e;
    }
    throw new Error("expected readManifest to fail");
  };

  test("a missing manifest says a plugin folder needs one", async () => {
    const e = await failure(join(dir, "none.json"));
    expect(e.code).toBe("PLUGIN_INVALID");
    expect(e.message).toContain("not found (a plugin folder needs one)");
  });

  test("a FIFO or a device is refused at once, an oversize file unread", async () => {
    const fifo = join(dir, "fifo.json");
    expect(Bun.spawnSync(["mkfifo", fifo]).exitCode).toBe(0);
    expect((await failure(fifo)).message).toBe(`${fifo}: not read: it is not a regular file`);
    const zero = join(dir, "zero.json");
    symlinkSync("/dev/zero", zero);
    expect((await failure(zero)).message).toBe(`${zero}: not read: it is not a regular file`);
    const big = join(dir, "big.json");
    writeFileSync(big, `{"pad":"${"x".repeat(MAX_MANIFEST_BYTES)}"}`);
    expect((await failure(big)).message).toBe(`${big}: larger than 1 MiB`);
  });
});
