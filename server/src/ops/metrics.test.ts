import { describe, expect, test } from "bun:test";
import { createMetrics, MAX_MODEL_LABELS } from "./metrics.ts";

describe("metrics", () => {
  test("model labels are capped: callers choosing model names cannot grow /metrics without bound", () => {
    const m = createMetrics();
    for (let i = 0; i < MAX_MODEL_LABELS + 500; i++) m.addTokens("openai", `model-${i}`, 1, 1);
    m.addTokens("openai", "model-0", 1, 0); // a model seen early keeps its own series
    const lines = m
      .render()
      .split("\n")
      .filter((l) => l.startsWith("loom_proxy_tokens_total{"));
    expect(lines).toHaveLength(2 * (MAX_MODEL_LABELS + 1));
    expect(lines).toContain('loom_proxy_tokens_total{provider="openai",model="other",direction="input"} 500');
    expect(lines).toContain('loom_proxy_tokens_total{provider="openai",model="model-0",direction="input"} 2');
  });

  test("label values are escaped so a hostile model name cannot forge a line", () => {
    const m = createMetrics();
    m.addTokens("openai", 'x"} 1\nfake_metric 1', 1, 1);
    const text = m.render();
    expect(text).not.toMatch(/^fake_metric/m);
    expect(text).toContain('model="x\\"} 1\\nfake_metric 1"');
  });
});
