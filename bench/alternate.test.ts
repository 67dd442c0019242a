import { expect, test } from "bun:test";
import { alternate } from "./alternate.ts";

test("alternate swaps the order each round, drops the warm-up rounds and keeps each side's figures apart", async () => {
  const order: string[] = [];
  let n = 0;
  const side = (name: string, base: number) => async () => {
    order.push(name);
    return base + n++;
  };
  const [a, b] = await alternate({ runs: 3, warmup: 1 }, side("a", 100), side("b", 200));
  expect(order).toEqual(["a", "b", "b", "a", "a", "b", "b", "a"]);
  // Round 0 (a=100, b=201) is warm-up; then b=202, a=103; a=104, b=205; b=206, a=107.
  expect(a).toEqual([103, 104, 107]);
  expect(b).toEqual([202, 205, 206]);
});
