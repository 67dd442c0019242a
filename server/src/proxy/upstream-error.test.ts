import { describe, expect, test } from "bun:test";
import { LlmError } from "@loom/runtime/llm";
import { errorFromStatus, networkError, truncatedStreamError } from "@loom/runtime/providers/errors";
import { createRedactor } from "../redact.ts";
import { publicFailure } from "./upstream-error.ts";

const KEY = "plainkey-0123456789";
const redact = createRedactor(() => [KEY]);
const msg = (e: unknown) => publicFailure("anthropic", e, redact).info.message;

describe("publicFailure", () => {
  test("an upstream HTTP error keeps the upstream's words and status, redacted", () => {
    const e = errorFromStatus("anthropic", 400, `max_tokens too large for key ${KEY}`);
    const f = publicFailure("anthropic", e, redact);
    expect(f.info).toEqual({
      kind: "permanent",
      status: 400,
      message: "anthropic: 400 max_tokens too large for key [redacted]",
    });
  });

  test("the runtime's own descriptions (no cause) pass unchanged", () => {
    expect(msg(truncatedStreamError("anthropic"))).toBe(
      "anthropic: the stream ended before the response was complete",
    );
  });

  test("exception text from a converter or parser is replaced; the log detail keeps it", () => {
    const typeError = networkError(
      "anthropic",
      new TypeError("undefined is not an object (evaluating 'msg.content')"),
    );
    const f = publicFailure("anthropic", typeError, redact);
    expect(f.info).toEqual({
      kind: "transient",
      message: "anthropic: the response ended before it was complete or was malformed",
    });
    expect(f.detail).toContain("undefined is not an object");
    const parse = new LlmError("transient", "anthropic: malformed response data (JSON Parse error: x)", {
      cause: new SyntaxError("JSON Parse error: x"),
    });
    expect(msg(parse)).toBe("anthropic: the response ended before it was complete or was malformed");
  });

  test("a network failure shows only its system code", () => {
    const cause = Object.assign(new TypeError(`ECONNRESET: closed while talking to ${KEY}`), {
      code: "ECONNRESET",
    });
    expect(msg(networkError("anthropic", cause))).toBe("anthropic: connection failed (ECONNRESET)");
    class APIConnectionTimeoutError extends Error {}
    expect(msg(networkError("anthropic", new APIConnectionTimeoutError("Request timed out.")))).toBe(
      "anthropic: the request timed out",
    );
    class APIConnectionError extends Error {}
    expect(msg(networkError("anthropic", new APIConnectionError("Connection error.")))).toBe(
      "anthropic: connection failed",
    );
  });

  test("something that is not an LlmError at all says only that the call failed", () => {
    const f = publicFailure("openai", new RangeError("Maximum call stack size exceeded."), redact);
    expect(f.info).toEqual({ kind: "transient", message: "openai: the provider call failed" });
    expect(f.detail).toContain("Maximum call stack");
  });
});
