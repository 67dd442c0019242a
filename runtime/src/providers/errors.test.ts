import { describe, expect, test } from "bun:test";
import { errorFromStatus, missingCredentials, networkError } from "./errors.ts";

describe("errorFromStatus", () => {
  test.each([
    [429, "rate_limited"],
    [529, "transient"],
    [500, "transient"],
    [503, "transient"],
    [408, "transient"],
    [409, "transient"],
    [400, "permanent"],
    [401, "permanent"],
    [403, "permanent"],
    [404, "permanent"],
    [413, "permanent"],
  ] as const)("%i is %s", (status, kind) => {
    expect(errorFromStatus("p", status, "m").kind).toBe(kind);
  });

  test("retry-after comes from headers unless given explicitly", () => {
    expect(
      errorFromStatus("p", 429, "m", { headers: new Headers({ "retry-after": "2" }) }).retryAfterMs,
    ).toBe(2000);
    expect(errorFromStatus("p", 429, "m", { headers: { "retry-after-ms": "150" } }).retryAfterMs).toBe(150);
    expect(
      errorFromStatus("p", 429, "m", { retryAfterMs: 5, headers: { "retry-after": "2" } }).retryAfterMs,
    ).toBe(5);
    expect(errorFromStatus("p", 529, "m").retryAfterMs).toBeUndefined();
  });

  test("the message is one line naming the provider and status", () => {
    const e = errorFromStatus("anthropic", 400, "messages.0: \n  bad\n  input");
    expect(e.message).toBe("anthropic: 400 messages.0: bad input");
    expect(e.toJSON()).toEqual({
      code: "LLM_PERMANENT",
      message: e.message,
      details: { status: 400, retryAfterMs: undefined, provider: "anthropic" },
    });
  });
});

test("networkError keeps only the first sentence of the cause", () => {
  const e = networkError(
    "openai",
    new Error("ECONNRESET: The socket closed. For more information, pass verbose"),
  );
  expect(e.kind).toBe("transient");
  expect(e.message).toBe("openai: connection failed (ECONNRESET: The socket closed)");
});

test("missingCredentials names the variable", () => {
  const e = missingCredentials("openai", "OPENAI_API_KEY");
  expect(e.code).toBe("MISSING_CREDENTIALS");
  expect(e.message).toBe("openai: no credentials, set OPENAI_API_KEY");
});
