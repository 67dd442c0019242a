import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { backoffDelay, DEFAULT_BACKOFF, isRetryable } from "./backoff.ts";

describe("backoffDelay", () => {
  test("doubles from 200 ms and caps at 5 s before jitter", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 0.5))).toEqual([
      200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
  });

  test("jitter spreads the delay over x[0.5, 1.5)", () => {
    expect(backoffDelay(1, 0)).toBe(200);
    expect(backoffDelay(1, 0.999)).toBe(600);
    expect(backoffDelay(1, Number.NaN)).toBe(400);
  });

  test("retry-after is a floor", () => {
    expect(backoffDelay(0, 0.5, DEFAULT_BACKOFF, 2500)).toBe(2500);
    expect(backoffDelay(5, 0.5, DEFAULT_BACKOFF, 10)).toBe(5000);
  });

  test("always within [0.5 x exp, max(retryAfter, 1.5 x cap)]", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.option(fc.nat({ max: 60_000 }), { nil: undefined }),
        (n, r, retryAfter) => {
          const d = backoffDelay(n, r, DEFAULT_BACKOFF, retryAfter);
          expect(d).toBeGreaterThanOrEqual(Math.min(100, retryAfter ?? 100));
          expect(d).toBeLessThanOrEqual(Math.max(retryAfter ?? 0, 7_500));
          if (retryAfter !== undefined) expect(d).toBeGreaterThanOrEqual(retryAfter);
        },
      ),
    );
  });
});

test("isRetryable: transient, rate limited, and gateway-ish statuses", () => {
  expect(isRetryable({ kind: "transient", message: "" })).toBe(true);
  expect(isRetryable({ kind: "rate_limited", message: "" })).toBe(true);
  expect(isRetryable({ kind: "permanent", message: "", status: 400 })).toBe(false);
  expect(isRetryable({ kind: "permanent", message: "" })).toBe(false);
  for (const status of [408, 429, 502, 503, 504]) {
    expect(isRetryable({ kind: "permanent", message: "", status })).toBe(true);
  }
});
