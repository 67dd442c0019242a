import { describe, expect, test } from "bun:test";
import { addUsage } from "./usage.ts";

const turn = { inputTokens: 1_000_000, outputTokens: 1_000_000 };

describe("addUsage", () => {
  test("priced turns add up exactly", () => {
    const a = addUsage(undefined, "claude-sonnet-4-6", turn);
    const b = addUsage(a, "claude-sonnet-4-6", turn);
    expect(b).toEqual({ inputTokens: 2_000_000, outputTokens: 2_000_000, costUsd: 36 });
  });

  test("an unpriced model alone leaves the cost unknown", () => {
    expect(addUsage(undefined, "no-such-model", turn)).toEqual({
      inputTokens: 1_000_000,
      outputTokens: 1_000_000,
    });
  });

  test("unpriced usage after priced usage marks the total as a lower bound", () => {
    const priced = addUsage(undefined, "claude-sonnet-4-6", turn);
    const mixed = addUsage(priced, "gpt-5.4", turn);
    expect(mixed.costUsd).toBe(18);
    expect(mixed.costPartial).toBe(true);
    // …and it stays partial.
    expect(addUsage(mixed, "claude-sonnet-4-6", turn).costPartial).toBe(true);
  });

  test("priced usage after unpriced usage is partial too", () => {
    const unpriced = addUsage(undefined, "gpt-5.4", turn);
    const later = addUsage(unpriced, "claude-sonnet-4-6", turn);
    expect(later).toEqual({
      inputTokens: 2_000_000,
      outputTokens: 2_000_000,
      costUsd: 18,
      costPartial: true,
    });
  });

  test("estimated usage (a reply cut off) marks the total as estimated, for good", () => {
    const cut = addUsage(undefined, "no-such-model", { inputTokens: 10, outputTokens: 2, estimated: true });
    expect(cut).toEqual({ inputTokens: 10, outputTokens: 2, estimated: true });
    expect(addUsage(cut, "no-such-model", turn).estimated).toBe(true);
  });
});
