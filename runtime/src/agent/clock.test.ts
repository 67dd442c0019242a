import { expect, test } from "bun:test";
import { createManualClock } from "./clock.ts";

test("the manual clock fires due timers in time order and only when advanced", () => {
  const clock = createManualClock(100);
  const fired: string[] = [];
  clock.setTimeout(() => fired.push(`b@${clock.now()}`), 300);
  const a = clock.setTimeout(() => fired.push("never"), 50);
  clock.setTimeout(() => {
    fired.push(`c@${clock.now()}`);
    clock.setTimeout(() => fired.push(`d@${clock.now()}`), 0);
  }, 200);
  clock.clearTimeout(a);
  expect(clock.pending()).toEqual([200, 300]);
  clock.advance(199);
  expect(fired).toEqual([]);
  clock.advance(201);
  expect(fired).toEqual(["c@300", "d@300", "b@400"]);
  expect(clock.now()).toBe(500);
  expect(clock.pending()).toEqual([]);
});
