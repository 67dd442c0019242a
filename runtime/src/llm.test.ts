import { describe, expect, test } from "bun:test";
import { LlmError, parseRetryAfter, toLlmErrorInfo } from "./llm.ts";

describe("LLM errors", () => {
  test("kinds map to codes, and plain data keeps what the retry policy needs", () => {
    const e = new LlmError("rate_limited", "slow down", {
      status: 429,
      retryAfterMs: 1500,
      provider: "anthropic",
    });
    expect(e.code).toBe("RATE_LIMITED");
    expect(new LlmError("transient", "x").code).toBe("LLM_TRANSIENT");
    expect(new LlmError("permanent", "x").code).toBe("LLM_PERMANENT");
    expect(toLlmErrorInfo(e)).toEqual({
      kind: "rate_limited",
      message: "slow down",
      status: 429,
      retryAfterMs: 1500,
    });
    expect(toLlmErrorInfo(new Error("socket hang up"))).toEqual({
      kind: "transient",
      message: "socket hang up",
    });
  });

  test("retry-after: seconds, HTTP date, retry-after-ms, absent or garbage", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    expect(parseRetryAfter(new Headers({ "retry-after": "2" }), now)).toBe(2000);
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 25 Nov 2026 12:00:03 GMT" }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "250", "retry-after": "9" }), now)).toBe(250);
    expect(parseRetryAfter({ "retry-after": "-5" }, now)).toBe(0);
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
    expect(parseRetryAfter({ "retry-after": "soon" }, now)).toBeUndefined();
  });
});
