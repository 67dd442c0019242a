/**
 * Reads token usage out of provider responses as they pass through unchanged: Anthropic
 * (`message_start` / `message_delta` usage) and OpenAI (`usage.prompt_tokens` / `completion_tokens`,
 * in the JSON body or the final stream chunk).
 */
export interface SniffedUsage {
  model?: string;
  inputTokens: number;
  outputTokens: number;
}

type Json = Record<string, unknown>;

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** Applies one JSON object (a whole response or one stream event) to the running totals. */
export function applyUsage(u: SniffedUsage, obj: Json): void {
  const msg = (obj.message ?? undefined) as Json | undefined;
  if (typeof obj.model === "string") u.model = obj.model;
  if (msg && typeof msg.model === "string") u.model = msg.model;
  const usage = (obj.usage ?? msg?.usage) as Json | undefined | null;
  if (!usage || typeof usage !== "object") return;
  if ("prompt_tokens" in usage || "completion_tokens" in usage) {
    u.inputTokens = num(usage.prompt_tokens);
    u.outputTokens = num(usage.completion_tokens);
    return;
  }
  // Anthropic: message_start carries input (and cache) tokens, message_delta the cumulative output.
  const input =
    num(usage.input_tokens) + num(usage.cache_read_input_tokens) + num(usage.cache_creation_input_tokens);
  if (input > 0) u.inputTokens = input;
  if ("output_tokens" in usage) u.outputTokens = num(usage.output_tokens);
}

/**
 * A pass-through transform that scans SSE `data:` lines; `done` resolves with the totals at the end,
 * or at `settle()` for a stream that never ends (client gone, upstream dead): the tokens seen so far
 * were billed upstream and are counted too.
 */
export function sniffSseUsage(): {
  transform: TransformStream<Uint8Array, Uint8Array>;
  done: Promise<SniffedUsage>;
  settle(): void;
} {
  const u: SniffedUsage = { inputTokens: 0, outputTokens: 0 };
  const decoder = new TextDecoder();
  let buf = "";
  let resolve!: (u: SniffedUsage) => void;
  const done = new Promise<SniffedUsage>((r) => {
    resolve = r;
  });
  const scan = (line: string) => {
    if (!line.startsWith("data:") || !line.includes('"usage"')) return;
    try {
      applyUsage(u, JSON.parse(line.slice(5).trim()) as Json);
    } catch {
      // not JSON (e.g. "[DONE]"): nothing to count
    }
  };
  const transform = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      controller.enqueue(chunk);
      buf += decoder.decode(chunk, { stream: true });
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        scan(buf.slice(0, nl).replace(/\r$/, ""));
        buf = buf.slice(nl + 1);
        nl = buf.indexOf("\n");
      }
      if (buf.length > 1 << 20) buf = ""; // a single line over 1 MiB carries no usage we need
    },
    flush() {
      scan(buf);
      resolve(u);
    },
  });
  return { transform, done, settle: () => resolve(u) };
}
