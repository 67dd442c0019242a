/**
 * WASM plugin call overhead through the real host (warm child process, Unix-socket round trip,
 * Extism), for a small input, against the same call made in-process on the main thread (no
 * isolation) as a baseline. The figure swings with CPU placement on a small VM: see
 * specs/plugins.md (WASM host, "Cost").
 */
import { readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import createPlugin from "@extism/extism";
import { parseManifest } from "@loom/runtime/plugins/manifest";
import { NO_PERMISSIONS } from "@loom/runtime/plugins/permissions";
import { loadWasmPlugin } from "@loom/runtime/plugins/wasm-plugin";
import type { ToolContext } from "@loom/runtime/tool";
import { type BenchResult, median } from "./types.ts";

const DIR = join(import.meta.dir, "../tests/plugins/hostile");
const BATCHES = 7;
const CALLS = 500;
const GOAL_US = 50;
const INPUT = { path: "src/index.ts", note: "a small input, about a hundred bytes of JSON text" };

async function perCallUs(call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await call();
  const batches: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const t = performance.now();
    for (let i = 0; i < CALLS; i++) await call();
    batches.push(((performance.now() - t) * 1000) / CALLS);
  }
  return median(batches);
}

export async function run(): Promise<BenchResult[]> {
  const wasm = new Uint8Array(readFileSync(join(DIR, "hostile.wasm")));
  const manifest = parseManifest(JSON.parse(readFileSync(join(DIR, "loom-plugin.json"), "utf8")));
  const root = realpathSync(tmpdir());
  const plugin = loadWasmPlugin({ manifest, wasm, root, permissions: async () => NO_PERMISSIONS });
  const echo = plugin.tools.find((t) => t.name === "echo")!;
  const ctx: ToolContext = { workspaceRoot: root, signal: new AbortController().signal, callId: "bench" };
  const hosted = await perCallUs(() => echo.invoke(INPUT, ctx));
  plugin.host.close();

  const stubs = Object.fromEntries(
    WebAssembly.Module.imports(new WebAssembly.Module(wasm))
      .filter((i) => i.module === "extism:host/user")
      .map((i) => [i.name, () => 0n]),
  );
  const inProcess = await createPlugin(
    { wasm: [{ data: wasm }] },
    { useWasi: false, functions: { "extism:host/user": stubs } },
  );
  const text = JSON.stringify(INPUT);
  const direct = await perCallUs(() => inProcess.call("echo", text));
  await inProcess.close();

  return [
    {
      name: "wasm tool call, small input (child process host)",
      value: hosted,
      unit: "µs",
      goal: `<= ${GOAL_US} µs`,
      ok: hosted <= GOAL_US,
      baseline: { name: "same call in-process, no isolation", value: direct },
      ratio: hosted / direct,
    },
  ];
}

if (import.meta.main) console.log(await run());
