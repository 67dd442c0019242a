import { expect, test } from "bun:test";
import { medianOver } from "./types.ts";

test("medianOver compares the medians: ok within the added cost, missed beyond it", () => {
  const row = (xs: number[]) =>
    medianOver({ name: "n", xs, baseline: { name: "b", xs: [1, 2, 100] }, over: "direct SDK", within: 5 });
  const ok = row([3, 7, 500]);
  expect(ok).toEqual({
    name: "n",
    value: 7,
    unit: "ms",
    goal: "<= direct SDK + 5 ms",
    ok: true,
    baseline: { name: "b", value: 2 },
    ratio: 3.5,
  });
  expect(row([8, 7.5, 0]).ok).toBe(false);
});
