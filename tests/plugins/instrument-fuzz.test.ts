/**
 * A few fixed seeds of the instrumenter's differential fuzzing (instrument-fuzz.ts; run it with
 * a count for many random ones). Each random module has dozens of exports covering most
 * instructions; original and instrumented must behave the same.
 */
import { expect, test } from "bun:test";
import fc from "fast-check";
import { compare, fuzzModule } from "./instrument-fuzz.ts";

const SEEDS = 6;

test(`${SEEDS} random modules from Binaryen behave the same once instrumented`, () => {
  const seeds = fc.sample(fc.uint8Array({ minLength: 6000, maxLength: 12000 }), {
    numRuns: SEEDS,
    seed: 20261125,
  });
  for (const seed of seeds) {
    const bytes = fuzzModule(seed);
    expect(bytes.length).toBeGreaterThan(100);
    expect(compare(bytes)).toBe(null);
  }
}, 30_000);
