/** The ACP byte streams of this process: JSON lines on stdin/stdout (logs go to stderr). */
import { Readable } from "node:stream";
import { ndJsonStream, type Stream } from "@agentclientprotocol/sdk";

export function stdioStream(): Stream {
  const output = new WritableStream<Uint8Array>({
    write(chunk) {
      return new Promise((resolve, reject) => {
        process.stdout.write(chunk, (e) => (e ? reject(e) : resolve()));
      });
    },
  });
  const input = Readable.toWeb(process.stdin) as unknown as ReadableStream<Uint8Array>;
  return ndJsonStream(output, input);
}
