/**
 * How long a pure-WASM infinite loop runs past its timeout before the host stops it (goal:
 * timeout + 100 ms), and how long the next call takes on the restarted child.
 */
import { readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseManifest } from "@loom/runtime/plugins/manifest";
import { NO_PERMISSIONS } from "@loom/runtime/plugins/permissions";
import { loadWasmPlugin } from "@loom/runtime/plugins/wasm-plugin";
import type { ToolContext } from "@loom/runtime/tool";
import { type BenchResult, median } from "./types.ts";

const DIR = join(import.meta.dir, "../tests/plugins/hostile");
const TIMEOUT_MS = 200;
const RUNS = 5;

export async function run(): Promise<BenchResult[]> {
  const wasm = new Uint8Array(readFileSync(join(DIR, "hostile.wasm")));
  const raw = JSON.parse(readFileSync(join(DIR, "loom-plugin.json"), "utf8"));
  const manifest = parseManifest({ ...raw, limits: { ...raw.limits, timeoutMs: TIMEOUT_MS } });
  const root = realpathSync(tmpdir());
  const plugin = loadWasmPlugin({ manifest, wasm, root, permissions: async () => NO_PERMISSIONS });
  const tool = (n: string) => plugin.tools.find((t) => t.name === n)!;
  const ctx: ToolContext = { workspaceRoot: root, signal: new AbortController().signal, callId: "bench" };
  await tool("echo").invoke({}, ctx);

  const kills: number[] = [];
  const restarts: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    const r = await tool("loop").invoke({}, ctx);
    kills.push(performance.now() - t);
    if (!r.isError) throw new Error("the loop returned");
    t = performance.now();
    await tool("echo").invoke({}, ctx);
    restarts.push(performance.now() - t);
  }
  plugin.host.close();
  const kill = median(kills);
  const restart = median(restarts);
  return [
    {
      name: `pure-WASM loop stopped (timeout ${TIMEOUT_MS} ms)`,
      value: kill,
      unit: "ms",
      goal: `<= ${TIMEOUT_MS + 100} ms`,
      ok: kill <= TIMEOUT_MS + 100,
      baseline: { name: "timeout", value: TIMEOUT_MS },
      ratio: kill / TIMEOUT_MS,
    },
    {
      name: "first call after the kill (child restart + load)",
      value: restart,
      unit: "ms",
      goal: "<= 100 ms",
      ok: restart <= 100,
    },
  ];
}

if (import.meta.main) console.log(await run());
