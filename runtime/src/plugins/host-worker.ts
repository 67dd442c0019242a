/**
 * The child process that runs one WASM plugin. It loads the module with Extism on its own main
 * thread, serves host functions itself (it has the workspace root and the effective
 * permissions), and answers calls one at a time. The `load` message arrives over IPC; calls,
 * results and logs go over the parent's Unix socket (host-protocol.ts). The parent kills it at
 * a call's deadline, which stops even a pure-WASM loop. It exits when the parent goes away
 * (IPC disconnect or socket close).
 *
 * Started as `bun host-worker.ts`, or, inside the compiled binary, as `loom` with
 * LOOM_PLUGIN_HOST=1 (cli/src/main.ts then calls `runPluginHostWorker`).
 */
import createPlugin, { type Plugin } from "@extism/extism";
import { formatError, isLoomError } from "../errors.ts";
import { createHostFunctions } from "./host-functions.ts";
import {
  type CallRequest,
  type ChildMessage,
  frameReader,
  frameWriter,
  type LoadRequest,
  type WireError,
} from "./host-protocol.ts";
import { WASM_PAGE } from "./wasm-module.ts";

const decoder = new TextDecoder();

type Send = (msg: ChildMessage) => void;

async function load(req: LoadRequest, send: Send): Promise<Loaded> {
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
  return { plugin, req, send };
}

async function memoryBytes(plugin: Plugin): Promise<number> {
  const mem = (await plugin.getInstance()).exports["memory"];
  return mem instanceof WebAssembly.Memory ? mem.buffer.byteLength : 0;
}

interface Loaded {
  plugin: Plugin;
  req: LoadRequest;
  send: Send;
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
  const { plugin, req, send } = loaded;
  try {
    const out = await plugin.call(c.export, c.input);
    const bytes = out?.bytes() ?? new Uint8Array();
    if (bytes.length > req.maxOutputBytes) {
      const msg = `output of ${bytes.length} bytes is over the plugin's limit of ${req.maxOutputBytes} bytes (limits.maxOutputBytes)`;
      return failed(c.id, "TOOL_FAILED", msg);
    }
    return { type: "result", id: c.id, output: decoder.decode(bytes) };
  } catch (e) {
    const message = formatError(e);
    if (!isLoomError(e) && message.startsWith("Plugin-originated error: ")) {
      return failed(c.id, "TOOL_FAILED", message.slice(25));
    }
    const cap = req.memoryMb * 1024 * 1024;
    const margin = Math.max(64 * WASM_PAGE, cap / 8);
    const near = (await memoryBytes(plugin).catch(() => 0)) + margin >= cap;
    state.loaded = load(req, send);
    await plugin.close().catch(() => {});
    if (isLoomError(e)) return failed(c.id, e.code, e.message);
    const hint = near ? ` (likely out of memory: the limit is ${req.memoryMb} MiB, limits.memoryMb)` : "";
    return failed(c.id, "PLUGIN_FAILED", `wasm trap: ${message}${hint}`);
  }
}

function die(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** Connects to the parent's socket, loads the plugin, then answers calls in order. */
async function serve(req: LoadRequest): Promise<void> {
  let writer: ReturnType<typeof frameWriter> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let state: { loaded: Promise<Loaded> } | undefined;
  const send: Send = (msg) => writer?.send(msg);
  const read = frameReader((msg) => {
    const c = msg as CallRequest;
    queue = queue.then(async () => {
      if (!state) return send(failed(c.id, "INTERNAL", "call before load"));
      send(await call(state, c).catch((e) => failed(c.id, "PLUGIN_FAILED", formatError(e))));
    });
  });
  const socket = await Bun.connect({
    unix: req.socket,
    socket: {
      data(_s, chunk) {
        try {
          read(chunk);
        } catch (e) {
          die(`plugin host: bad frame from the parent: ${formatError(e)}`);
        }
      },
      drain: () => writer?.drain(),
      close: () => process.exit(0),
      error: (_s, e) => die(`plugin host: socket error: ${formatError(e)}`),
    },
  }).catch((e) => die(`plugin host: cannot connect to ${req.socket}: ${formatError(e)}`));
  writer = frameWriter(socket);
  state = { loaded: load(req, send) };
  state.loaded.then(
    () => send({ type: "loaded" }),
    (e) =>
      send({
        type: "load_failed",
        error: { code: "PLUGIN_INVALID", message: `could not start: ${formatError(e)}` },
      }),
  );
}

/** Waits for the `load` message over IPC; exits when the parent disconnects. */
export function runPluginHostWorker(): void {
  process.once("message", (msg: LoadRequest) => void serve(msg));
  process.on("disconnect", () => process.exit(0));
}

if (import.meta.main) runPluginHostWorker();
