/**
 * Answers the editor's first `initialize` straight from the raw input, before the ACP SDK and the
 * session engine are imported (together ~150 ms from source), so an editor sees the agent ready
 * at once. The input is then handed on whole: the SDK reads every byte again, the initialize
 * line included (so its connection counts as initialized and the client's capabilities are
 * recorded), and `dropAnswer` removes its second answer to that request.
 */
import type * as acp from "@agentclientprotocol/sdk";
import { initializeRequestId, initializeResponse } from "./initialize.ts";

/** The first line is looked at only if it ends within this many bytes; a longer one is the SDK's. */
const FIRST_LINE_LIMIT = 1 << 20;

export interface EarlyInitialize {
  /** The same bytes as the original input, from its first byte. */
  input: ReadableStream<Uint8Array>;
  /** The id of the `initialize` request answered here, if one was. */
  answeredId: string | number | undefined;
}

/**
 * Reads up to the first line of `input`; if it is a well-formed `initialize` request, writes the
 * answer through `write`. Anything else (garbage, another method, end of input) is left alone.
 */
export async function answerInitializeEarly(
  input: ReadableStream<Uint8Array>,
  write: (line: string) => Promise<void>,
): Promise<EarlyInitialize> {
  const reader = input.getReader();
  const seen: Uint8Array[] = [];
  let size = 0;
  let ended = false;
  let line: Uint8Array | undefined;
  while (!line && size <= FIRST_LINE_LIMIT) {
    const { value, done } = await reader.read();
    if (done) {
      ended = true;
      break;
    }
    const at = value.indexOf(0x0a);
    if (at >= 0) line = concat([...seen, value.subarray(0, at)], size + at);
    seen.push(value);
    size += value.byteLength;
  }
  let answeredId: string | number | undefined;
  if (line) {
    let message: unknown;
    try {
      message = JSON.parse(new TextDecoder().decode(line));
    } catch {
      message = undefined;
    }
    answeredId = initializeRequestId(message);
    if (answeredId !== undefined) {
      const caps = (message as { params: { clientCapabilities?: acp.ClientCapabilities } }).params
        .clientCapabilities;
      const result = initializeResponse(caps);
      await write(`${JSON.stringify({ jsonrpc: "2.0", id: answeredId, result })}\n`);
    }
  }
  const replay = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of seen) controller.enqueue(chunk);
      if (ended) controller.close();
    },
    async pull(controller) {
      if (ended) return;
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { input: replay, answeredId };
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    const n = Math.min(p.byteLength, length - at);
    out.set(p.subarray(0, n), at);
    at += n;
  }
  return out;
}
