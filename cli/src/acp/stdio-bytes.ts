/** stdin and stdout as bytes, without the ACP SDK (loaded before `initialize` is answered). */
import { Readable } from "node:stream";

/** Writes one chunk to stdout, resolving once it is handed to the OS. */
export function writeStdout(chunk: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(chunk, (e) => (e ? reject(e) : resolve()));
  });
}

export function stdinStream(): ReadableStream<Uint8Array> {
  return Readable.toWeb(process.stdin) as unknown as ReadableStream<Uint8Array>;
}
