/**
 * The child process that runs one WASM plugin. It loads the module with Extism on its own main
 * thread, serves host functions itself (it has the workspace root and the effective
 * permissions), and answers calls one at a time over IPC. The parent kills it at a call's
 * deadline, which stops even a pure-WASM loop.
 *
 * Started as `bun host-worker.ts`, or, inside the compiled binary, as `loom` with
 * LOOM_PLUGIN_HOST=1 (cli/src/main.ts then calls `runPluginHostWorker`).
 */
import createPlugin, { type Plugin } from "@extism/extism";
import { formatError, isLoomError } from "../errors.ts";
import { createHostFunctions } from "./host-functions.ts";
import type { CallRequest, ChildMessage, LoadRequest, ParentMessage, WireError } from "./host-protocol.ts";
import { WASM_PAGE } from "./wasm-module.ts";

function send(msg: ChildMessage): void {
  process.send?.(msg);
}

async function load(req: LoadRequest): Promise<Loaded> {
  const host = createHostFunctions({
    plugin: req.plugin,
    root: req.root,
    permissions: req.permissions,
    maxBytes: Math.max(req.maxOutputBytes, (req.memoryMb * 1024 * 1024) / 4),
    log: (message) => send({ type: "log", message }),
  });
  const plugin = await createPlugin(
    { wasm: [{ data: req.wasm }] },
    {
      useWasi: false,
      runInWorker: false,
      logLevel: "silent",
      functions: { "extism:host/user": host },
      memory: { maxPages: req.memoryMb * 16, maxVarBytes: req.maxOutputBytes },
    },
  );
  return { plugin, req };
}

async function memoryBytes(plugin: Plugin): Promise<number> {
  const mem = (await plugin.getInstance()).exports["memory"];
  return mem instanceof WebAssembly.Memory ? mem.buffer.byteLength : 0;
}

interface Loaded {
  plugin: Plugin;
  req: LoadRequest;
}

function failed(id: number, code: WireError["code"], message: string): ChildMessage {
  return { type: "failed", id, error: { code, message } };
}

/**
 * Runs one call. When the guest unwinds abnormally (trap, or a host function refusing), its
 * instance may be half-way through its own bookkeeping, so it is replaced by a fresh one.
 */
async function call(state: { loaded: Promise<Loaded> }, c: CallRequest): Promise<ChildMessage> {
  const loaded = await state.loaded;
  const { plugin, req } = loaded;
  try {
    const out = await plugin.call(c.export, c.input);
    const bytes = out?.bytes() ?? new Uint8Array();
    if (bytes.length > req.maxOutputBytes) {
      const msg = `output of ${bytes.length} bytes is over the plugin's limit of ${req.maxOutputBytes} bytes (limits.maxOutputBytes)`;
      return failed(c.id, "TOOL_FAILED", msg);
    }
    return { type: "result", id: c.id, output: new TextDecoder().decode(bytes) };
  } catch (e) {
    const message = formatError(e);
    if (!isLoomError(e) && message.startsWith("Plugin-originated error: ")) {
      return failed(c.id, "TOOL_FAILED", message.slice(25));
    }
    const cap = req.memoryMb * 1024 * 1024;
    const margin = Math.max(64 * WASM_PAGE, cap / 8);
    const near = (await memoryBytes(plugin).catch(() => 0)) + margin >= cap;
    state.loaded = load(req);
    await plugin.close().catch(() => {});
    if (isLoomError(e)) return failed(c.id, e.code, e.message);
    const hint = near ? ` (likely out of memory: the limit is ${req.memoryMb} MiB, limits.memoryMb)` : "";
    return failed(c.id, "PLUGIN_FAILED", `wasm trap: ${message}${hint}`);
  }
}

/** Serves IPC messages until the parent disconnects. */
export function runPluginHostWorker(): void {
  let state: { loaded: Promise<Loaded> } | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  process.on("message", (msg: ParentMessage) => {
    if (msg.type === "load") {
      state = { loaded: load(msg) };
      state.loaded.then(
        () => send({ type: "loaded" }),
        (e) =>
          send({
            type: "load_failed",
            error: { code: "PLUGIN_INVALID", message: `could not start: ${formatError(e)}` },
          }),
      );
      return;
    }
    const current = state;
    queue = queue.then(async () => {
      if (!current) return send(failed(msg.id, "INTERNAL", "call before load"));
      send(await call(current, msg).catch((e) => failed(msg.id, "PLUGIN_FAILED", formatError(e))));
    });
  });
  process.on("disconnect", () => process.exit(0));
}

if (import.meta.main) runPluginHostWorker();
