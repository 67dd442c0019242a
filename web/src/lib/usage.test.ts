import { expect, test } from "bun:test";
import { dailySeries, daysBetween, totals, type UsageItem, usageCsv } from "./usage.ts";

const item = (over: Partial<UsageItem>): UsageItem => ({
  day: "2026-11-20",
  userId: "u1",
  user: "ada@example.com",
  provider: "anthropic",
  model: "claude-sonnet-4-5",
  requests: 1,
  inputTokens: 100,
  outputTokens: 10,
  costUsd: 0.1,
  ...over,
});

test("CSV: a header, one CRLF line per row, quotes doubled, formula cells defused, unknown cost empty", () => {
  const csv = usageCsv([
    item({}),
    item({ user: 'Ada "the" Lovelace, PhD', model: "gpt-5", costUsd: null }),
    item({ user: '=HYPERLINK("http://x")', userId: "u2", requests: 2, costUsd: 0.2 }),
  ]);
  expect(csv).toBe(
    [
      "day,user,user_id,provider,model,requests,input_tokens,output_tokens,cost_usd",
      "2026-11-20,ada@example.com,u1,anthropic,claude-sonnet-4-5,1,100,10,0.1",
      '2026-11-20,"Ada ""the"" Lovelace, PhD",u1,anthropic,gpt-5,1,100,10,',
      `2026-11-20,"'=HYPERLINK(""http://x"")",u2,anthropic,claude-sonnet-4-5,2,100,10,0.2`,
      "",
    ].join("\r\n"),
  );
  expect(usageCsv([])).toBe(
    "day,user,user_id,provider,model,requests,input_tokens,output_tokens,cost_usd\r\n",
  );
});

test("daily series: every day of the range zero-filled, stacked per group, the smallest groups as Other", () => {
  const items = [
    item({ day: "2026-11-20", model: "a", costUsd: 0.1 }),
    item({ day: "2026-11-20", model: "a", user: "bo", costUsd: 0.2 }),
    item({ day: "2026-11-22", model: "b", costUsd: 1 }),
    item({ day: "2026-11-22", model: "c", costUsd: 0.05 }),
    item({ day: "2026-11-22", model: "d", costUsd: 0.01 }),
    item({ day: "2026-10-01", model: "a", costUsd: 5 }),
  ];
  const s = dailySeries(items, { from: "2026-11-20", to: "2026-11-22", by: "model", metric: "cost", max: 3 });
  expect(s.labels).toEqual(["2026-11-20", "2026-11-21", "2026-11-22"]);
  // Ranked by total over the loaded rows: a (5.3), b (1); c and d go to Other.
  expect(s.series).toEqual([
    { label: "a", data: [0.3, 0, 0] },
    { label: "b", data: [0, 0, 1] },
    { label: "Other", data: [0, 0, 0.06] },
  ]);
  const tokens = dailySeries(items.slice(0, 2), {
    from: "2026-11-20",
    to: "2026-11-20",
    by: "user",
    metric: "tokens",
  });
  expect(tokens.series).toEqual([
    { label: "ada@example.com", data: [110] },
    { label: "bo", data: [110] },
  ]);
});

test("totals per model or user: summed, largest cost first, unpriced rows flagged", () => {
  const t = totals(
    [
      item({ model: "a", costUsd: 0.1 }),
      item({ model: "b", costUsd: null, inputTokens: 5000 }),
      item({ model: "a", costUsd: 0.2, requests: 3 }),
    ],
    "model",
  );
  expect(t).toEqual([
    { group: "a", requests: 4, inputTokens: 200, outputTokens: 20, costUsd: 0.3, unpriced: false },
    { group: "b", requests: 1, inputTokens: 5000, outputTokens: 10, costUsd: 0, unpriced: true },
  ]);
});

test("daysBetween is inclusive and crosses month ends", () => {
  expect(daysBetween("2026-02-27", "2026-03-02")).toEqual([
    "2026-02-27",
    "2026-02-28",
    "2026-03-01",
    "2026-03-02",
  ]);
  expect(daysBetween("2026-03-02", "2026-03-01")).toEqual([]);
});
