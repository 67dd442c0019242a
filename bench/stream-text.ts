/**
 * The text of a byte stream (a child's stdout, a response body) read as far as a bench needs it:
 * `until(marker)` reads on until the text so far includes the marker, so one reader serves several
 * waits in turn (`: subscribed`, then each event).
 * @example
 * const out = streamText(child.stdout);
 * await out.until("\n"); // the URL line
 * out.release();
 */
export interface StreamText {
  /** Everything read so far. */
  readonly text: string;
  /** Reads until `text` includes `marker`; throws, naming `what`, when the stream ends first. */
  until(marker: string, what?: string): Promise<string>;
  /** Lets go of the stream (it stays open); `cancel` ends it. */
  release(): void;
  cancel(): Promise<void>;
}

/** Reads at most this many chunks per wait: a stream that never prints its marker fails, not hangs forever on a chatty child. */
const MAX_READS = 100_000;

export function streamText(stream: ReadableStream<Uint8Array>): StreamText {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  return {
    get text() {
      return text;
    },
    async until(marker, what = "the stream") {
      for (let i = 0; i < MAX_READS && !text.includes(marker); i++) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`${what} ended before ${JSON.stringify(marker)}: ${text.slice(-200)}`);
        text += decoder.decode(value, { stream: true });
      }
      if (!text.includes(marker))
        throw new Error(`${what}: no ${JSON.stringify(marker)} in ${MAX_READS} reads`);
      return text;
    },
    release: () => reader.releaseLock(),
    cancel: () => reader.cancel(),
  };
}
