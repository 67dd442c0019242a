/**
 * Messages between the parent (wasm-host.ts) and a plugin's child process (host-worker.ts).
 * `load` goes over Bun IPC (it carries the wasm bytes); everything else goes over a Unix socket
 * as newline-delimited JSON, which costs less per round trip than IPC.
 */
import type { LoomErrorCode } from "../errors.ts";
import type { EffectivePermissions } from "./permissions.ts";

export interface LoadRequest {
  type: "load";
  plugin: string;
  /** Already verified (sha256) and memory-capped. */
  wasm: Uint8Array;
  root: string;
  permissions: EffectivePermissions;
  memoryMb: number;
  maxOutputBytes: number;
  /** Unix socket the child connects to for calls, results and logs. */
  socket: string;
}

/** Parent to child, over the socket. */
export interface CallRequest {
  type: "call";
  id: number;
  export: string;
  input: string;
  /** The call has an event stream (a provider's request): `emit_event` sends `event` frames. */
  events?: boolean;
}

export interface WireError {
  code: LoomErrorCode;
  message: string;
}

/** Child to parent, over the socket. */
export type ChildMessage =
  | { type: "loaded" }
  | { type: "load_failed"; error: WireError }
  | { type: "result"; id: number; output: string }
  | { type: "failed"; id: number; error: WireError }
  | { type: "log"; message: string }
  /** A provider plugin's `emit_event` during call `id`, in order, before its result. */
  | { type: "event"; id: number; event: string };

/** The parts of a Bun socket the framing needs (parent and child both use Bun sockets). */
export interface FrameSocket {
  write(data: string | Uint8Array): number;
}

const NEWLINE = 0x0a;
const encoder = new TextEncoder();

/**
 * Newline-delimited JSON over a stream socket (JSON text never contains a raw newline). `push`
 * takes each `data` chunk: a chunk may hold several frames or part of one; bytes are kept until
 * the newline, so a UTF-8 character split across chunks decodes whole.
 */
export function frameReader(onMessage: (msg: unknown) => void): (chunk: Uint8Array) => void {
  const decoder = new TextDecoder();
  let parts: Uint8Array[] = [];
  return (chunk) => {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, nl);
      const frame = parts.length ? Buffer.concat([...parts, piece]) : piece;
      parts = [];
      start = nl + 1;
      onMessage(JSON.parse(decoder.decode(frame)));
    }
    // Copied: the runtime may reuse the chunk's memory after the callback.
    if (start < chunk.length) parts.push(chunk.slice(start));
  };
}

/**
 * Writes frames in order. A socket may accept only part of a write; the rest waits for the
 * socket's `drain` event, which must call `drain()`.
 */
export function frameWriter(socket: FrameSocket): { send(msg: unknown): void; drain(): void } {
  let backlog: Uint8Array[] = [];
  function flush(): void {
    while (backlog.length) {
      const head = backlog[0] as Uint8Array;
      const n = socket.write(head);
      if (n < 0) return;
      if (n < head.length) {
        backlog[0] = head.subarray(n);
        return;
      }
      backlog.shift();
    }
  }
  return {
    send(msg) {
      const text = `${JSON.stringify(msg)}\n`;
      if (backlog.length) return void backlog.push(encoder.encode(text));
      // Common case: the whole frame is taken at once, with no copy into a byte array.
      const n = socket.write(text);
      if (n === Buffer.byteLength(text)) return;
      const bytes = encoder.encode(text);
      if (n < bytes.length) backlog = [n > 0 ? bytes.subarray(n) : bytes];
    },
    drain: flush,
  };
}
