/** The ACP byte streams of this process: JSON lines on stdin/stdout (logs go to stderr). */
import { ndJsonStream, type Stream } from "@agentclientprotocol/sdk";
import { writeStdout } from "./stdio-bytes.ts";

type AnyMessage = Stream["readable"] extends ReadableStream<infer M> ? M : never;

export interface StdioOptions {
  /** stdin, or what is left of it after an early `initialize` (early-initialize.ts). */
  input: ReadableStream<Uint8Array>;
  /** An `initialize` already answered: the SDK's own answer to it is not sent again. */
  answeredId?: string | number | undefined;
  /** Called once when the input breaks (e.g. a line over the SDK's 32 MiB limit). */
  onInputError?: (e: unknown) => void;
}

export function stdioStream(opts: StdioOptions): Stream {
  const output = new WritableStream<Uint8Array>({ write: writeStdout });
  const inner = ndJsonStream(output, opts.input);
  return {
    readable: opts.onInputError ? reportErrors(inner.readable, opts.onInputError) : inner.readable,
    writable: opts.answeredId === undefined ? inner.writable : dropAnswer(inner.writable, opts.answeredId),
  };
}

/** Passes messages on, except the first successful response to request `id`. */
export function dropAnswer(out: WritableStream<AnyMessage>, id: string | number): WritableStream<AnyMessage> {
  const writer = out.getWriter();
  let dropped = false;
  return new WritableStream<AnyMessage>({
    write(message) {
      if (!dropped && "result" in message && message.id === id) {
        dropped = true;
        return;
      }
      return writer.write(message);
    },
    close: () => writer.close(),
    abort: (reason) => writer.abort(reason),
  });
}

/** The same messages; an error of the stream is reported through `onError` before it is passed on. */
function reportErrors(
  input: ReadableStream<AnyMessage>,
  onError: (e: unknown) => void,
): ReadableStream<AnyMessage> {
  const reader = input.getReader();
  return new ReadableStream<AnyMessage>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (e) {
        onError(e);
        controller.error(e);
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
