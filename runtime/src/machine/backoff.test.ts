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

  test("the cap applies before the jitter, so capped delays are still spread", () => {
    expect(backoffDelay(10, 0)).toBe(2500);
    expect(backoffDelay(10, 0.999)).toBe(7495);
    expect(backoffDelay(40, 0.25)).toBe(3750);
  });

  test("is exactly min(cap, base x factor^n) x (0.5 + random), rounded", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 40 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.record({
          baseMs: fc.integer({ min: 1, max: 1000 }),
          factor: fc.integer({ min: 1, max: 4 }),
          capMs: fc.integer({ min: 1, max: 60_000 }),
        }),
        (n, r, params) => {
          const exp = Math.min(params.capMs, params.baseMs * params.factor ** n);
          expect(Math.abs(backoffDelay(n, r, params) - exp * (0.5 + r))).toBeLessThanOrEqual(0.5);
        },
      ),
    );
  });

  test("a random outside [0, 1] is clamped; a negative retry counts as the first", () => {
    expect(backoffDelay(1, -3)).toBe(200);
    expect(backoffDelay(1, 7)).toBe(600);
    expect(backoffDelay(1, Number.POSITIVE_INFINITY)).toBe(400);
    expect(backoffDelay(-2, 0.5)).toBe(200);
  });

  test("a zero base is no delay: no floor is invented, a retry-after of 0 included", () => {
    const zero = { baseMs: 0, factor: 2, capMs: 100 };
    expect(backoffDelay(3, 0.5, zero)).toBe(0);
    expect(backoffDelay(3, 0.5, zero, 0)).toBe(0);
  });

  test("retry-after is a floor", () => {
    expect(backoffDelay(0, 0.5, DEFAULT_BACKOFF, 2500)).toBe(2500);
    expect(backoffDelay(5, 0.5, DEFAULT_BACKOFF, 10)).toBe(5000);
    expect(backoffDelay(0, 0.5, DEFAULT_BACKOFF, -5)).toBe(200);
    expect(backoffDelay(0, 0.5, DEFAULT_BACKOFF, Number.NaN)).toBe(200);
    expect(backoffDelay(0, 0.5, DEFAULT_BACKOFF, Number.POSITIVE_INFINITY)).toBe(200);
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
