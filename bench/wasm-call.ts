/**
 * WASM plugin call overhead through the real host for a small input: the default path (the
 * instrumented module on the main thread, with the deadline and slice checks), and, for
 * reference, the child-process path (`isolation: "process"`: Unix-socket round trip, which
 * swings with CPU placement on a small VM — specs/plugins.md, "Cost"). Baseline: the same call
 * made straight through Extism on the main thread, uninstrumented and unchecked.
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
  const ctx: ToolContext = { workspaceRoot: root, signal: new AbortController().signal, callId: "bench" };
  const hostedUs = async (isolation: "auto" | "process") => {
    const plugin = loadWasmPlugin({
      manifest,
      wasm,
      root,
      permissions: async () => NO_PERMISSIONS,
      isolation,
    });
    const echo = plugin.tools.find((t) => t.name === "echo")!;
    try {
      return await perCallUs(() => echo.invoke(INPUT, ctx));
    } finally {
      plugin.host.close();
    }
  };
  const hosted = await hostedUs("auto");
  const child = await hostedUs("process");

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

  const baseline = { name: "same call straight through Extism, uninstrumented", value: direct };
  return [
    {
      name: "wasm tool call, small input (default: in-process, instrumented)",
      value: hosted,
      unit: "µs",
      goal: `<= ${GOAL_US} µs`,
      ok: hosted <= GOAL_US,
      baseline,
      ratio: hosted / direct,
    },
    {
      name: "same call in the plugin's child process (isolation: process; reference)",
      value: child,
      unit: "µs",
      goal: "reference only",
      ok: true,
      baseline,
      ratio: child / direct,
    },
  ];
}

if (import.meta.main) console.log(await run());
