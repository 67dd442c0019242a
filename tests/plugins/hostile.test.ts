/**
 * Hostile plugins against the real WASM host, on both paths: `auto` (calls start in-process from
 * the instrumented module and move to the child when they run long) and `process` (child only).
 * Each test names the attack; the assertion is that the agent gets a readable tool error and the
 * plugin keeps working.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "@loom/runtime/plugins/as-build";
import { limitsOf, type PluginManifest, parseManifest } from "@loom/runtime/plugins/manifest";
import { NO_PERMISSIONS } from "@loom/runtime/plugins/permissions";
import { SHARED_AS_SDK, sourcesHash } from "@loom/runtime/plugins/plugin-build";
import { createWasmHost } from "@loom/runtime/plugins/wasm-host";
import { capMemory } from "@loom/runtime/plugins/wasm-module";
import { loadWasmPlugin, type WasmPlugin } from "@loom/runtime/plugins/wasm-plugin";
import type { ToolContext, ToolResult } from "@loom/runtime/tool";
import wabtInit from "wabt";

const dir = join(import.meta.dir, "hostile");
const wasm = new Uint8Array(readFileSync(join(dir, "hostile.wasm")));
const manifest = parseManifest(JSON.parse(readFileSync(join(dir, "loom-plugin.json"), "utf8")));
const all = {
  ...NO_PERMISSIONS,
  read: ["."],
  write: ["."],
  network: ["127.0.0.1"],
  env: ["LOOM_HOSTILE_OK"],
};

let base: string;
let root: string;
let outside: string;

function ctx(): ToolContext {
  return { workspaceRoot: root, signal: new AbortController().signal, callId: "t" };
}

async function callTool(plugin: WasmPlugin, tool: string, input: unknown): Promise<ToolResult> {
  const t = plugin.tools.find((x) => x.name === tool);
  if (!t) throw new Error(`no tool ${tool}`);
  return t.invoke(input, ctx());
}

function errorOf(r: ToolResult): { code: string; message: string } {
  expect(r.isError).toBe(true);
  return r.output as { code: string; message: string };
}

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), "loom-hostile-")));
  root = join(base, "ws");
  outside = join(base, "secret.txt");
  mkdirSync(root);
  writeFileSync(outside, "top secret");
  writeFileSync(join(root, "inside.txt"), "héllo wörld");
  symlinkSync(outside, join(root, "link-out"));
  symlinkSync(base, join(root, "dir-out"));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("committed hostile wasm", () => {
  test("is built from the current sources", () => {
    const info = JSON.parse(readFileSync(join(dir, "build-info.json"), "utf8"));
    expect(info.sources).toBe(sourcesHash(dir, "assembly", [SHARED_AS_SDK]));
    expect(sha256Hex(wasm)).toBe(manifest.sha256!);
  });
});

for (const isolation of ["auto", "process"] as const) {
  describe(`isolation: ${isolation}`, () => {
    let plugin: WasmPlugin;
    /**
     * The same plugin with a long timeout, for attacks that are not about time: a call that
     * outlasts the in-process slice moves to a child process, whose start on a loaded machine
     * must not turn the expected error into a timeout.
     */
    let roomy: WasmPlugin;
    const call = (tool: string, input: unknown) => callTool(plugin, tool, input);
    const callRoomy = (tool: string, input: unknown) => callTool(roomy, tool, input);

    beforeAll(() => {
      plugin = loadWasmPlugin({ isolation, manifest, wasm, root, permissions: async () => all });
      const long = parseManifest({ ...manifest, limits: { ...manifest.limits, timeoutMs: 30_000 } });
      roomy = loadWasmPlugin({ isolation, manifest: long, wasm, root, permissions: async () => all });
    });

    afterAll(() => {
      plugin.host.close();
      roomy.host.close();
    });

    describe("limits", () => {
      test("a pure-WASM infinite loop is stopped at its timeout and the plugin restarts", async () => {
        await call("echo", {});
        const before = plugin.host.starts;
        const err = errorOf(await call("loop", {}));
        expect(err.code).toBe("TOOL_TIMEOUT");
        expect(err.message).toContain("500 ms");
        expect(await call("echo", { after: "loop" })).toEqual({ output: { after: "loop" } });
        expect(plugin.host.starts).toBe(before + 1);
      });

      test("unbounded allocation traps at the memory cap with a readable error", async () => {
        const err = errorOf(await call("alloc", {}));
        expect(err.code).toBe("PLUGIN_FAILED");
        expect(err.message).toContain("out of memory");
        expect(await call("echo", { after: "alloc" })).toEqual({ output: { after: "alloc" } });
      });

      test("kernel allocations past memoryMb stop the call with TOOL_MEMORY, and nothing is logged", async () => {
        const logged: unknown[] = [];
        const original = console.error;
        console.error = (...args: unknown[]) => void logged.push(args);
        try {
          const err = errorOf(await callRoomy("kernel_alloc", {}));
          expect(err.code).toBe("TOOL_MEMORY");
          expect(err.message).toContain("more than 32 MiB of host blocks");
          expect(err.message).toContain("limits.memoryMb");
        } finally {
          console.error = original;
        }
        expect(logged).toEqual([]);
        expect(await callRoomy("echo", { after: "kernel_alloc" })).toEqual({
          output: { after: "kernel_alloc" },
        });
      });

      test("a flood of tiny kernel blocks is stopped with TOOL_MEMORY too", async () => {
        expect(errorOf(await callRoomy("kernel_alloc_tiny", {})).code).toBe("TOOL_MEMORY");
      });

      test("kernel blocks the guest frees stop counting", async () => {
        expect(await callRoomy("kernel_alloc_free", {})).toEqual({ output: "4096" });
      });

      test("output over maxOutputBytes is refused", async () => {
        const err = errorOf(await callRoomy("huge_output", {}));
        expect(err.message).toContain("limits.maxOutputBytes");
      });

      test("a non-zero return without an error message is a failure, not a success", async () => {
        const err = errorOf(await call("returns_seven", {}));
        expect(err.code).toBe("TOOL_FAILED");
        expect(err.message).toBe(
          "hostile/returns_seven: plugin returned 7 without an error message (a non-zero return is a failure)",
        );
      });

      test("a trap becomes a tool error without the engine's JS internals", async () => {
        const err = errorOf(await call("trap", {}));
        expect(err.message).toBe("hostile/trap: wasm trap: Unreachable code should not be executed");
      });

      test("a null input is checked as null, not taken for {}", async () => {
        const err = errorOf(await call("echo", null));
        expect(err.code).toBe("TOOL_INPUT_INVALID");
        expect(err.message).toContain('/: Instance type "null" is invalid. Expected "object".');
      });

      test("an AssemblyScript abort reaches the model with its message", async () => {
        expect(errorOf(await call("bad_abort", {})).message).toContain("invariant broken");
      });

      test("non-ASCII input and output survive the round trip", async () => {
        expect(await call("echo", { s: "héllo ✓ 😀" })).toEqual({ output: { s: "héllo ✓ 😀" } });
      });
    });

    describe("host functions stay inside the workspace", () => {
      test("reads a file inside", async () => {
        expect(await call("read_path", { path: "inside.txt" })).toEqual({ output: "héllo wörld" });
      });

      for (const [name, path] of [
        ["../", "../secret.txt"],
        ["absolute", "/etc/passwd"],
        ["symlink to a file outside", "link-out"],
        ["symlinked directory outside", "dir-out/secret.txt"],
      ] as const) {
        test(`refuses ${name}`, async () => {
          const err = errorOf(await call("read_path", { path }));
          expect(err.code).toBe("PATH_OUTSIDE_WORKSPACE");
        });
      }

      test("refuses a write through a symlinked directory", async () => {
        const err = errorOf(await call("write_path", { path: "dir-out/new.txt", content: "x" }));
        expect(err.code).toBe("PATH_OUTSIDE_WORKSPACE");
      });

      test("reading a missing file or a directory is a plain error", async () => {
        expect(errorOf(await call("read_path", { path: "missing.txt" })).code).toBe("NOT_FOUND");
        expect(errorOf(await call("read_path", { path: "." })).message).toContain("is a directory");
      });

      test("writes inside, creating parent directories", async () => {
        expect(await call("write_path", { path: "a/b/c.txt", content: "new ✓" })).toEqual({ output: "ok" });
        expect(readFileSync(join(root, "a/b/c.txt"), "utf8")).toBe("new ✓");
      });

      test("a read outside the granted paths is denied", async () => {
        const narrow = loadWasmPlugin({
          manifest,
          wasm,
          root,
          permissions: async () => ({ ...NO_PERMISSIONS, read: ["a"] }),
        });
        try {
          const t = narrow.tools.find((x) => x.name === "read_path")!;
          const err = errorOf(await t.invoke({ path: "inside.txt" }, ctx()));
          expect(err.code).toBe("PERMISSION_DENIED");
          expect((await t.invoke({ path: "a/b/c.txt" }, ctx())).output).toBe("new ✓");
        } finally {
          narrow.host.close();
        }
      });
    });

    describe("network and environment", () => {
      test("http_fetch reaches an allowed host and no other", async () => {
        const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("pong ✓") });
        try {
          const ok = await call("fetch_url", { url: `http://127.0.0.1:${server.port}/ping` });
          expect(ok.output).toMatchObject({ status: 200, body: "pong ✓" });
          const denied = errorOf(await call("fetch_url", { url: `http://localhost:${server.port}/ping` }));
          expect(denied.code).toBe("PERMISSION_DENIED");
          expect(denied.message).toBe(
            'hostile/fetch_url: plugin hostile may not reach localhost: not granted (grant it in your config: [plugins.grants.hostile] network = ["localhost"])',
          );
        } finally {
          server.stop(true);
        }
      });

      test("env_get returns granted variables only", async () => {
        process.env["LOOM_HOSTILE_OK"] = "visible";
        process.env["LOOM_HOSTILE_SECRET"] = "hidden";
        const fresh = loadWasmPlugin({ isolation, manifest, wasm, root, permissions: async () => all });
        try {
          const get = fresh.tools.find((t) => t.name === "get_env")!;
          expect((await get.invoke({ name: "LOOM_HOSTILE_OK" }, ctx())).output).toBe("visible");
          const err = errorOf(await get.invoke({ name: "LOOM_HOSTILE_SECRET" }, ctx()));
          expect(err.code).toBe("PERMISSION_DENIED");
          expect(err.message).toEndWith('[plugins.grants.hostile] env = ["LOOM_HOSTILE_SECRET"])');
        } finally {
          fresh.host.close();
        }
      });
    });

    test("recursion without a loop is stopped at its timeout", async () => {
      expect(errorOf(await call("slow_recursion", {})).code).toBe("TOOL_TIMEOUT");
      expect(await call("echo", { after: "recursion" })).toEqual({ output: { after: "recursion" } });
    });

    describe("cancellation", () => {
      test("aborting a call stops the plugin process at once", async () => {
        const controller = new AbortController();
        const loop = plugin.tools.find((t) => t.name === "loop")!;
        const pending = loop.invoke({}, { workspaceRoot: root, signal: controller.signal, callId: "c" });
        setTimeout(() => controller.abort(), 50);
        const err = errorOf(await pending);
        expect(err.code).toBe("TOOL_CANCELLED");
        expect(await call("echo", { after: "cancel" })).toEqual({ output: { after: "cancel" } });
      });

      test("a call cancelled while waiting its turn does not run and does not kill the running one", async () => {
        const echo = plugin.tools.find((t) => t.name === "echo")!;
        const starts = plugin.host.starts;
        const controller = new AbortController();
        const first = echo.invoke({ n: 1 }, ctx());
        const second = echo.invoke({ n: 2 }, { ...ctx(), signal: controller.signal });
        controller.abort();
        expect(await first).toEqual({ output: { n: 1 } });
        expect(errorOf(await second).code).toBe("TOOL_CANCELLED");
        expect(await echo.invoke({ n: 3 }, ctx())).toEqual({ output: { n: 3 } });
        expect(plugin.host.starts).toBe(starts);
      });
    });

    describe("load-time refusals", () => {
      const bogus = new Uint8Array(readFileSync(join(dir, "bogus.wasm")));
      const bogusManifest = (): PluginManifest =>
        parseManifest({
          ...manifest,
          name: "bogus",
          entry: "bogus.wasm",
          sha256: sha256Hex(bogus),
          tools: [{ name: "run", description: "r", inputSchema: { type: "object" } }],
        });

      test("an import of a host function that does not exist", () => {
        expect(() =>
          loadWasmPlugin({
            isolation,
            manifest: bogusManifest(),
            wasm: bogus,
            root,
            permissions: async () => all,
          }),
        ).toThrow(/no such host function/);
      });

      test("an import of a host function the manifest did not declare", () => {
        const m = parseManifest({ ...manifest, permissions: { read: ["."] } });
        expect(() =>
          loadWasmPlugin({ isolation, manifest: m, wasm, root, permissions: async () => all }),
        ).toThrow(/"write_file" needs permissions.write/);
      });

      test("a wasm whose sha256 does not match the manifest", () => {
        const m = parseManifest({ ...manifest, sha256: "0".repeat(64) });
        expect(() =>
          loadWasmPlugin({ isolation, manifest: m, wasm, root, permissions: async () => all }),
        ).toThrow(/refusing to load/);
      });

      test("a module that traps while starting: every call is a readable error, nothing hangs", async () => {
        // (module (type (func)) (func unreachable) (export "run" (func 0)) (start 0))
        const trapsAtStart = Uint8Array.from([
          0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02,
          0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x00, 0x08, 0x01, 0x00, 0x0a, 0x05,
          0x01, 0x03, 0x00, 0x00, 0x0b,
        ]);
        const m = parseManifest({
          ...manifest,
          name: "startup-trap",
          sha256: sha256Hex(trapsAtStart),
          tools: [{ name: "run", description: "r", inputSchema: { type: "object" } }],
        });
        const p = loadWasmPlugin({
          isolation,
          manifest: m,
          wasm: trapsAtStart,
          root,
          permissions: async () => all,
        });
        try {
          for (let i = 0; i < 2; i++) {
            const err = errorOf(await p.tools[0]!.invoke({}, ctx()));
            expect(err.code).toBe("PLUGIN_INVALID");
            expect(err.message).toContain("startup-trap/run: could not start: Unreachable");
          }
          expect(p.host.starts).toBe(2);
        } finally {
          p.host.close();
        }
      });

      test("a tool whose export is missing", () => {
        const m = parseManifest({
          ...manifest,
          tools: [{ name: "nope", description: "n", inputSchema: { type: "object" } }],
        });
        expect(() =>
          loadWasmPlugin({ isolation, manifest: m, wasm, root, permissions: async () => all }),
        ).toThrow(/export 'nope' not found/);
      });
    });
  });
}

describe("where calls run (isolation: auto)", () => {
  // Long enough for a moved call to start a child and get going under a loaded CI machine.
  const quick = parseManifest({ ...manifest, limits: { ...manifest.limits, timeoutMs: 600 } });
  let logs: string[];
  let p: WasmPlugin;
  const run = (tool: string, input: unknown = {}) => callTool(p, tool, input);

  beforeAll(() => {
    logs = [];
    p = loadWasmPlugin({
      manifest: quick,
      wasm,
      root,
      permissions: async () => all,
      onLog: (_plugin, line) => logs.push(line),
    });
  });
  afterAll(() => p.host.close());

  test("a quick call runs in-process and starts no child process", async () => {
    expect(await run("echo", { n: 1 })).toEqual({ output: { n: 1 } });
    expect(p.host.starts).toBe(0);
    expect(p.host.inProcess).toEqual({ calls: 1, moved: 0 });
  });

  test("a call that has written stays in-process and is stopped at its deadline", async () => {
    rmSync(join(root, "written-before-loop.txt"), { force: true });
    expect(errorOf(await run("write_then_loop")).code).toBe("TOOL_TIMEOUT");
    expect(readFileSync(join(root, "written-before-loop.txt"), "utf8")).toBe("x");
    expect(p.host.starts).toBe(0);
    expect(p.host.inProcess.moved).toBe(0);
  });

  test("a loop moves to the child once its slice is spent, and is killed there at the deadline", async () => {
    expect(errorOf(await run("loop")).code).toBe("TOOL_TIMEOUT");
    expect(p.host.inProcess.moved).toBe(1);
    expect(p.host.starts).toBe(1);
    // The export now goes straight to the (restarted) child; other exports stay in-process.
    expect(errorOf(await run("loop")).code).toBe("TOOL_TIMEOUT");
    expect(p.host.inProcess.moved).toBe(1);
    expect(p.host.starts).toBe(2);
    const before = p.host.inProcess.calls;
    expect(await run("echo", { n: 2 })).toEqual({ output: { n: 2 } });
    expect(p.host.inProcess.calls).toBe(before + 1);
  });

  test("a moved call's log lines arrive once, from the run that counts", async () => {
    logs.length = 0;
    expect(errorOf(await run("log_then_loop")).code).toBe("TOOL_TIMEOUT");
    expect(logs).toEqual(["about to loop"]);
  });

  test("a call reaching http_fetch moves to the child before it blocks the main thread", async () => {
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("pong") });
    try {
      const moved = p.host.inProcess.moved;
      const r = await run("fetch_url", { url: `http://127.0.0.1:${server.port}/` });
      expect(r.output).toMatchObject({ status: 200, body: "pong" });
      expect(p.host.inProcess.moved).toBe(moved + 1);
    } finally {
      server.stop(true);
    }
  });

  test("with a slice longer than the timeout, loops and recursion stop in-process at the deadline", async () => {
    const limits = limitsOf(quick);
    const host = createWasmHost({
      plugin: "hostile",
      wasm: capMemory(wasm, limits.memoryMb * 16),
      root,
      permissions: async () => all,
      limits,
      sliceMs: 60_000,
    });
    try {
      for (const exp of ["loop", "slow_recursion"]) {
        const err = await host.call(exp, "{}").catch((e) => e);
        expect(err.code).toBe("TOOL_TIMEOUT");
        expect(err.message).toContain(`took longer than 600 ms in ${exp}`);
        expect(await host.call("echo", '{"ok":1}')).toBe('{"ok":1}');
      }
      expect(host.starts).toBe(0);
      expect(host.inProcess.moved).toBe(0);
    } finally {
      host.close();
    }
  });
});

describe("raw modules (isolation: auto)", () => {
  const limits = { ...limitsOf(manifest), timeoutMs: 200 };
  const compile = async (wat: string) =>
    (await wabtInit()).parseWat("t.wat", wat, { exceptions: true }).toBinary({}).buffer as Uint8Array;
  const hostFor = (bytes: Uint8Array) =>
    createWasmHost({ plugin: "raw", wasm: bytes, root, permissions: async () => NO_PERMISSIONS, limits });

  test("a guest that catches exceptions (it could catch the deadline) runs in the child only", async () => {
    const host = hostFor(
      await compile(`(module (func (export "run") (result i32)
        (loop $again (block $caught (try_table (catch_all $caught) (loop $spin (br $spin)))) (br $again))
        (i32.const 0)))`),
    );
    try {
      expect((await host.call("run", "{}").catch((e) => e)).code).toBe("TOOL_TIMEOUT");
      expect(host.starts).toBe(1);
      expect(host.inProcess).toEqual({ calls: 0, moved: 0 });
    } finally {
      host.close();
    }
  });

  test("after a call moves, a fresh instance whose start function ticks still runs in-process", async () => {
    // The start function loops long enough to reach `tick` several times: the replacement
    // instance made after the moved call must start under its own slice, not the spent one.
    const host = hostFor(
      await compile(`(module
        (global $n (mut i32) (i32.const 0))
        (func $init (loop $l (global.set $n (i32.add (global.get $n) (i32.const 1)))
          (br_if $l (i32.lt_u (global.get $n) (i32.const 200000)))))
        (start $init)
        (func (export "spin") (result i32) (loop $s (br $s)) (i32.const 0))
        (func (export "run") (result i32) (i32.const 0)))`),
    );
    try {
      expect(await host.call("run", "{}")).toBe("");
      expect((await host.call("spin", "{}").catch((e) => e)).code).toBe("TOOL_TIMEOUT");
      expect(host.inProcess).toEqual({ calls: 1, moved: 1 });
      expect(await host.call("run", "{}")).toBe("");
      expect(host.inProcess).toEqual({ calls: 2, moved: 1 });
      expect(host.starts).toBe(1);
    } finally {
      host.close();
    }
  });

  test("a start function that never returns: the in-process instance gives up at its slice, the child at the deadline", async () => {
    const host = hostFor(
      await compile(
        `(module (func $forever (loop $l (br $l))) (start $forever) (func (export "run") (result i32) (i32.const 0)))`,
      ),
    );
    try {
      const t = performance.now();
      const err = await host.call("run", "{}").catch((e) => e);
      expect(err.code).toBe("TOOL_TIMEOUT");
      expect(err.message).toContain("loading");
      expect(performance.now() - t).toBeLessThan(10_000);
      expect(host.starts).toBe(1);
      expect(host.inProcess.calls).toBe(0);
    } finally {
      host.close();
    }
  });
});
