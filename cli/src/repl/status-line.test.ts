import { expect, test } from "bun:test";
import { createUsageMeter, formatStatus, type StatusInfo, statusInfo } from "./status-line.ts";
import { createStyle } from "./style.ts";

const plain = createStyle(false);
const info: StatusInfo = {
  model: "claude-sonnet-4-6",
  permissionMode: "ask",
  sandboxMode: "workspace-write",
  contextTokens: 24_000,
  contextWindow: 200_000,
  tokens: 31_400,
  costUsd: 0.1234,
};

test("the status line names model, modes, context share, tokens, cost and what runs", () => {
  expect(formatStatus(info, "bash npm test · 12.0 s", 200, plain)).toBe(
    "⋯ bash npm test · 12.0 s │ claude-sonnet-4-6 · ask · sandbox workspace-write · ctx 12% of 200.0k · 31.4k tokens · $0.1234",
  );
  expect(formatStatus({ ...info, contextTokens: undefined, costUsd: undefined }, undefined, 200, plain)).toBe(
    "claude-sonnet-4-6 · ask · sandbox workspace-write · ctx – of 200.0k · 31.4k tokens",
  );
});

test("a narrow terminal drops the least useful figures first and never wraps", () => {
  for (const width of [120, 80, 60, 40, 30, 12]) {
    const line = formatStatus(info, "bash npm test · 12.0 s", width, plain);
    expect(Bun.stringWidth(line)).toBeLessThan(width);
  }
  const narrow = formatStatus(info, "bash npm test · 12.0 s", 80, plain);
  expect(narrow).toContain("ctx 12%");
  expect(narrow).not.toContain("sandbox");
  expect(formatStatus(info, "bash npm test · 12.0 s", 50, plain)).toBe(
    "⋯ bash npm test · 12.0 s │ ctx 12% of 200.0k",
  );
});

test("the context figure follows the last request of the current thread; the turn's usage adds to the thread's", () => {
  const meter = createUsageMeter();
  expect(meter.context("T-1")).toBeUndefined();
  meter.usage("T-1", "claude-sonnet-4-6", {
    inputTokens: 1000,
    outputTokens: 200,
    cacheReadTokens: 5000,
    cacheWriteTokens: 300,
  });
  expect(meter.context("T-1")).toBe(6500);
  expect(meter.context("T-2")).toBeUndefined();
  const session = {
    model: "m",
    permissionMode: "read-only",
    contextWindow: 10_000,
    config: { sandbox: {} },
    thread: { id: "T-1" },
    cost: () => ({ usage: { inputTokens: 7, outputTokens: 3 }, costUsd: 0.5 }),
  };
  const totals = meter.totals(session.cost());
  expect(totals.usage).toEqual({ inputTokens: 7 + 6300, outputTokens: 3 + 200 });
  expect(totals.costUsd).toBeGreaterThan(0.5);
  expect(totals.costPartial).toBeUndefined();
  expect(statusInfo(session, meter.context("T-1"))).toEqual({
    model: "m",
    permissionMode: "read-only",
    sandboxMode: "read-only",
    contextTokens: 6500,
    contextWindow: 10_000,
    tokens: 10,
    costUsd: 0.5,
  });
  expect(formatStatus(statusInfo(session, 6500), undefined, 200, plain)).toContain("ctx 65% of 10.0k");
  // An unpriced model's usage makes the total a lower bound.
  meter.usage("T-1", "no-such-model", { inputTokens: 10, outputTokens: 1 });
  expect(meter.totals(session.cost()).costPartial).toBe(true);
  meter.turnEnded();
  expect(meter.totals(session.cost())).toEqual(session.cost());
});
