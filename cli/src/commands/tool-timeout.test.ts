import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseManifest } from "@loom/runtime/plugins/manifest";
import { NO_PERMISSIONS } from "@loom/runtime/plugins/permissions";
import { loadWasmPlugin } from "@loom/runtime/plugins/wasm-plugin";
import type { Tool, ToolResult } from "@loom/runtime/tool";
import { invokeWithTimeout } from "./tool-timeout.ts";

const CANCELLED: ToolResult = {
  output: { code: "TOOL_CANCELLED", message: "the call was cancelled" },
  isError: true,
};

/** A tool that never finishes on its own and answers TOOL_CANCELLED when aborted (as the WASM host does). */
function waitsForAbort(timeoutMs: number, honours = true): Tool {
  return {
    name: "spin",
    description: "spins",
    inputSchema: { type: "object" },
    timeoutMs,
    invoke: (_input, ctx) =>
      new Promise((resolve) => {
        if (honours) ctx.signal.addEventListener("abort", () => resolve(CANCELLED), { once: true });
      }),
  };
}

const never = new AbortController().signal;

test("a call stopped by the command's own timer is TOOL_TIMEOUT, not the cancellation the abort caused", async () => {
  const r = await invokeWithTimeout(waitsForAbort(20), {}, { workspaceRoot: "/", cancel: never, graceMs: 5 });
  expect(r).toEqual({
    output: { code: "TOOL_TIMEOUT", message: "spin did not finish within 20 ms" },
    isError: true,
  });
});

test("a tool that ignores the abort is not waited for", async () => {
  const r = await invokeWithTimeout(
    waitsForAbort(10, false),
    {},
    { workspaceRoot: "/", cancel: never, graceMs: 5 },
  );
  expect(r.output).toMatchObject({ code: "TOOL_TIMEOUT" });
});

test("Ctrl-C is a cancellation", async () => {
  const cancel = new AbortController();
  const running = invokeWithTimeout(waitsForAbort(60_000), {}, { workspaceRoot: "/", cancel: cancel.signal });
  cancel.abort();
  expect(await running).toEqual(CANCELLED);
});

test("a WASM loop reports the plugin's own timeout, naming its limit", async () => {
  const dir = join(import.meta.dir, "../../../tests/plugins/hostile");
  const manifest = parseManifest(JSON.parse(readFileSync(join(dir, "loom-plugin.json"), "utf8")));
  manifest.limits = { ...manifest.limits, timeoutMs: 300 };
  const plugin = loadWasmPlugin({
    manifest,
    wasm: new Uint8Array(readFileSync(join(dir, "hostile.wasm"))),
    root: dir,
    permissions: async () => NO_PERMISSIONS,
  });
  try {
    const loop = plugin.tools.find((t) => t.name === "loop");
    if (!loop) throw new Error("no loop tool");
    const r = await invokeWithTimeout(loop, {}, { workspaceRoot: dir, cancel: never });
    expect(r.output).toMatchObject({ code: "TOOL_TIMEOUT" });
    expect((r.output as { message: string }).message).toContain("took longer than 300 ms");
  } finally {
    plugin.host.close();
  }
});
