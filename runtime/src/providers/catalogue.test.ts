import { describe, expect, test } from "bun:test";
import { costOf, getModel, MODELS } from "./catalogue.ts";

describe("model catalogue", () => {
  test("ids are unique and every priced entry is plausible", () => {
    expect(new Set(MODELS.map((m) => m.id)).size).toBe(MODELS.length);
    for (const m of MODELS) {
      // Price and limits come together or not at all.
      expect(m.inputPrice === undefined).toBe(m.outputPrice === undefined);
      if (m.inputPrice === undefined || m.outputPrice === undefined) continue;
      expect(m.maxOutputTokens ?? 0).toBeLessThanOrEqual(m.contextWindow ?? 0);
      expect(m.outputPrice).toBeGreaterThanOrEqual(m.inputPrice);
      expect(m.cacheReadPrice ?? m.inputPrice).toBeLessThanOrEqual(m.inputPrice);
    }
  });

  test("dated and versioned snapshots resolve to their model", () => {
    expect(getModel("claude-sonnet-4-5-20250929")?.id).toBe("claude-sonnet-4-5");
    expect(getModel("claude-sonnet-4-5@20250929")?.id).toBe("claude-sonnet-4-5");
    expect(getModel("claude-sonnet-4")?.id).toBe("claude-sonnet-4");
    expect(getModel("gpt-4.1-mini-2025-04-14")?.id).toBe("gpt-4.1-mini");
    expect(getModel("gemini-2.5-flash-lite-001")?.id).toBe("gemini-2.5-flash-lite");
    expect(getModel("gpt-4.1x")).toBeUndefined();
    expect(getModel("llama3.2")).toBeUndefined();
  });

  test("a newer model never inherits an older one's price through its id prefix", () => {
    // claude-opus-4-6 starts with "claude-opus-4-" but costs a third of Opus 4.
    expect(getModel("claude-opus-4-6")?.inputPrice).toBe(5);
    expect(getModel("claude-sonnet-4-6")?.contextWindow).toBe(1_000_000);
    expect(getModel("claude-opus-4-9")).toBeUndefined();
    expect(getModel("gpt-5.1-codex")).toBeUndefined();
    expect(getModel("gpt-4o-audio-preview")).toBeUndefined();
  });

  test("costOf prices uncached input, output, cache reads and cache writes separately", () => {
    // claude-sonnet-4-5: $3 in, $15 out, reads at 10%, writes at 125%.
    const cost = costOf("claude-sonnet-4-5", {
      inputTokens: 1_000_000,
      outputTokens: 100_000,
      cacheReadTokens: 1_000_000,
      cacheWriteTokens: 1_000_000,
    });
    expect(cost).toBeCloseTo(3 + 1.5 + 0.3 + 3.75, 6);
    expect(costOf("gpt-4o", { inputTokens: 2_000_000, outputTokens: 0 })).toBeCloseTo(5, 6);
    expect(costOf("claude-sonnet-4-6-20260217", { inputTokens: 1_000_000, outputTokens: 0 })).toBeCloseTo(
      3,
      6,
    );
    expect(costOf("unknown-model", { inputTokens: 1, outputTokens: 1 })).toBeUndefined();
  });

  test("a listed model without a known price has an unknown cost, not zero", () => {
    const listed = getModel("gpt-5.4");
    expect(listed?.provider).toBe("openai");
    expect(listed?.inputPrice).toBeUndefined();
    expect(costOf("gpt-5.4", { inputTokens: 1000, outputTokens: 1000 })).toBeUndefined();
  });
});
