/** Reads a request body up to a byte limit (chunked bodies included); over it, a 413 HttpError. */
import { HttpError } from "./http-error.ts";

const raw = new WeakMap<Request, string>();

/** The body text the JSON parse hook read, for routes that forward it byte for byte. */
export function rawBodyOf(request: Request): string | undefined {
  return raw.get(request);
}

export function rememberRawBody(request: Request, text: string): void {
  raw.set(request, text);
}

export async function readBodyLimited(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return "";
  // A declared length within the limit is all the body there is (HTTP/1.1 frames it): read it whole,
  // natively, which costs a fraction of pulling chunks through a stream reader.
  if (request.headers.has("content-length")) return Buffer.from(await request.arrayBuffer()).toString("utf8");
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString("utf8");
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, "PAYLOAD_TOO_LARGE", `request body exceeds ${maxBytes} bytes`);
}
