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
import { formatError, LoomError } from "../errors.ts";
import { createHostFunctions } from "./host-functions.ts";
import {
  type CallRequest,
  type ChildMessage,
  frameReader,
  frameWriter,
  type LoadRequest,
  type WireError,
} from "./host-protocol.ts";
import { createRunner, type Runner } from "./wasm-runner.ts";

type Send = (msg: ChildMessage) => void;

/** The call whose `emit_event` frames are being sent (calls run one at a time). */
let streaming: number | undefined;

function load(req: LoadRequest, send: Send): Runner {
  const host = createHostFunctions({
    emit: (event) => {
      if (streaming === undefined)
        throw new LoomError("PLUGIN_FAILED", "emit_event: this call has no event stream");
      send({ type: "event", id: streaming, event });
    },
    plugin: req.plugin,
    root: req.root,
    permissions: req.permissions,
    memoryMb: req.memoryMb,
    maxOutputBytes: req.maxOutputBytes,
    log: (message) => send({ type: "log", message }),
  });
  return createRunner({
    plugin: req.plugin,
    module: req.wasm,
    source: req.wasm,
    memoryMb: req.memoryMb,
    maxOutputBytes: req.maxOutputBytes,
    functions: { "extism:host/user": host },
  });
}

function failed(id: number, code: WireError["code"], message: string): ChildMessage {
  return { type: "failed", id, error: { code, message } };
}

async function call(runner: Runner, c: CallRequest): Promise<ChildMessage> {
  streaming = c.events ? c.id : undefined;
  const out = await runner.call(c.export, c.input).finally(() => {
    streaming = undefined;
  });
  return out.ok
    ? { type: "result", id: c.id, output: out.output }
    : { type: "failed", id: c.id, error: out.error };
}

function die(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/** Connects to the parent's socket, loads the plugin, then answers calls in order. */
async function serve(req: LoadRequest): Promise<void> {
  let writer: ReturnType<typeof frameWriter> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let runner: Runner | undefined;
  const send: Send = (msg) => writer?.send(msg);
  const read = frameReader((msg) => {
    const c = msg as CallRequest;
    queue = queue.then(async () => {
      if (!runner) return send(failed(c.id, "INTERNAL", "call before load"));
      send(await call(runner, c).catch((e) => failed(c.id, "PLUGIN_FAILED", formatError(e))));
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
  runner = load(req, send);
  runner.ready.then(
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
