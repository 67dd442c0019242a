/**
 * A WASM provider plugin (runtime/src/plugins/wasm-provider.ts) through the real plugin host: a
 * WAT module emits events with `emit_event`; the client streams them, builds the response, and
 * turns error events and failures into LlmErrors of the right kind.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LlmError, type LlmEvent, type LlmRequest } from "../llm.ts";
import { wat } from "./_wasm-test-kit.ts";
import { sha256Hex } from "./as-build.ts";
import type { PluginManifest } from "./manifest.ts";
import { declaredPermissions } from "./permissions.ts";
import { openWasmHost } from "./wasm-plugin.ts";
import { wasmProviderDefinition } from "./wasm-provider.ts";

/** Exports, each emitting its events (JSON texts) then setting `output`, or an error and a return code. */
const EXPORTS: Record<string, { events: string[]; output?: string; error?: string; returns?: number }> = {
  ok: {
    events: [
      '{"type":"text.delta","text":"Hel"}',
      '{"type":"text.delta","text":"lo"}',
      '{"type":"tool_call.start","index":0,"id":"c1","name":"grep"}',
      '{"type":"tool_call.delta","index":0,"argsDelta":"{\\"pattern\\":"}',
      '{"type":"tool_call.delta","index":0,"argsDelta":"\\"x\\"}"}',
      '{"type":"usage","usage":{"inputTokens":12,"outputTokens":3}}',
    ],
    output: '{"finishReason":"tool_use","model":"served-model"}',
  },
  plain: { events: ['{"type":"text.delta","text":"hi"}'] },
  limited: {
    events: ['{"type":"error","status":429,"message":"slow down","retryAfterMs":1500}'],
    error: "429 slow down",
    returns: 1,
  },
  overloaded: { events: ['{"type":"error","status":503,"message":"busy"}'], returns: 1 },
  refused: { events: ['{"type":"error","kind":"permanent","message":"model not found"}'], returns: 1 },
  garbage: { events: ["not json"] },
  wrong: { events: ['{"type":"text.delta","text":7}'] },
  own: { events: [], error: "the API changed", returns: 1 },
  seven: { events: [], returns: 7 },
};

/** The WAT module: each string lives in a data segment and is copied into a block before use. */
function providerWat(): string {
  const segments: string[] = [];
  let offset = 0;
  const place = (text: string): [number, number] => {
    const bytes = new TextEncoder().encode(text);
    const at = offset;
    segments.push(
      `(data (i32.const ${at}) "${[...bytes].map((b) => `\\${b.toString(16).padStart(2, "0")}`).join("")}")`,
    );
    offset += bytes.length;
    return [at, bytes.length];
  };
  const funcs = Object.entries(EXPORTS).map(([name, e]) => {
    const body = e.events.map((ev) => {
      const [p, n] = place(ev);
      return `(call $emit (call $block (i32.const ${p}) (i32.const ${n})))`;
    });
    if (e.output) {
      const [p, n] = place(e.output);
      body.push(`(call $output_set (call $block (i32.const ${p}) (i32.const ${n})) (i64.const ${n}))`);
    }
    if (e.error) {
      const [p, n] = place(e.error);
      body.push(`(call $error_set (call $block (i32.const ${p}) (i32.const ${n})))`);
    }
    return `(func (export "${name}") (result i32) ${body.join(" ")} (i32.const ${e.returns ?? 0}))`;
  });
  return `(module
    (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
    (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
    (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
    (import "extism:host/env" "error_set" (func $error_set (param i64)))
    (import "extism:host/user" "emit_event" (func $emit (param i64)))
    (memory (export "memory") 1)
    ${segments.join("\n")}
    (func $block (param $ptr i32) (param $n i32) (result i64)
      (local $h i64) (local $i i32)
      (local.set $h (call $alloc (i64.extend_i32_u (local.get $n))))
      (block $done (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (call $store_u8 (i64.add (local.get $h) (i64.extend_i32_u (local.get $i)))
                        (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
      (local.get $h))
    ${funcs.join("\n")})`;
}

// Each request starts a plugin process: slow on a loaded machine, never a hang.
setDefaultTimeout(30_000);

let root: string;
let wasm: Uint8Array;
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "loom-wasm-provider-")));
  wasm = wat(providerWat());
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function client(exportName: string) {
  const manifest: PluginManifest = {
    name: "watchat",
    version: "0.1.0",
    description: "test provider",
    kind: "provider",
    runtime: "wasm",
    entry: "p.wasm",
    sha256: sha256Hex(wasm),
    tools: [],
    provider: { export: exportName },
  };
  const def = wasmProviderDefinition({
    manifest,
    open: async () =>
      openWasmHost({
        manifest,
        wasm,
        root,
        permissions: async () => declaredPermissions(manifest),
        isolation: "process",
      }),
  });
  return def.create({});
}

const request: LlmRequest = { model: "m1", messages: [{ role: "user", content: "hi" }] };

async function collect(exportName: string): Promise<LlmEvent[]> {
  const events: LlmEvent[] = [];
  for await (const e of client(exportName).stream(request)) events.push(e);
  return events;
}

async function failure(exportName: string): Promise<LlmError> {
  try {
    await collect(exportName);
  } catch (e) {
    if (e instanceof LlmError) return e;
    throw e;
  }
  throw new Error("the stream did not fail");
}

describe("a WASM provider", () => {
  test("streams the emitted events in order, then one completed built from them", async () => {
    const events = await collect("ok");
    expect(events.map((e) => e.type)).toEqual([
      "text.delta",
      "text.delta",
      "tool_call.start",
      "tool_call.delta",
      "tool_call.delta",
      "usage",
      "completed",
    ]);
    const done = events.at(-1);
    expect(done?.type === "completed" && done.response).toEqual({
      model: "served-model",
      message: {
        role: "assistant",
        content: "Hello",
        toolCalls: [{ id: "c1", name: "grep", input: { pattern: "x" } }],
      },
      usage: { inputTokens: 12, outputTokens: 3 },
      finishReason: "tool_use",
    });
  });

  test("complete() returns the same response; without output the finish reason follows the calls", async () => {
    const r = await client("plain").complete(request);
    expect(r).toEqual({
      model: "m1",
      message: { role: "assistant", content: "hi" },
      usage: { inputTokens: 0, outputTokens: 0 },
      finishReason: "end_turn",
    });
  });

  test("an error event with a status is classified like any provider's", async () => {
    const limited = await failure("limited");
    expect(limited.kind).toBe("rate_limited");
    expect(limited.retryAfterMs).toBe(1500);
    expect(limited.message).toBe("watchat: 429 slow down");
    expect((await failure("overloaded")).kind).toBe("transient");
    const refused = await failure("refused");
    expect(refused.kind).toBe("permanent");
    expect(refused.message).toBe("watchat: model not found");
  });

  test("an event that is not JSON, or not a valid event, is a transient malformed-response error", async () => {
    const garbage = await failure("garbage");
    expect(garbage.kind).toBe("transient");
    expect(garbage.message).toContain("malformed response data");
    const wrong = await failure("wrong");
    expect(wrong.message).toContain("invalid 'text.delta' event");
  });

  test("the plugin's own error is permanent; a bare non-zero return says so", async () => {
    const own = await failure("own");
    expect(own.kind).toBe("permanent");
    expect(own.message).toContain("the API changed");
    expect((await failure("seven")).message).toContain("plugin returned 7 without an error message");
  });
});

test("a tool plugin may not import emit_event; a provider must export its entry point", () => {
  const tool: PluginManifest = {
    name: "t",
    version: "0.1.0",
    description: "",
    kind: "tool",
    runtime: "wasm",
    entry: "p.wasm",
    sha256: sha256Hex(wasm),
    tools: [{ name: "ok", description: "d", inputSchema: { type: "object" } }],
  };
  const perms = async () => declaredPermissions(tool);
  expect(() => openWasmHost({ manifest: tool, wasm, root, permissions: perms })).toThrow(
    'import "extism:host/user" "emit_event" is only offered to provider plugins (kind "provider")',
  );
  const provider: PluginManifest = { ...tool, kind: "provider", tools: [], provider: { export: "nope" } };
  expect(() => openWasmHost({ manifest: provider, wasm, root, permissions: perms })).toThrow(
    "provider.export: export 'nope' not found in the wasm module",
  );
});
