import { expect, test } from "bun:test";
import { createLineAssembler } from "./input.ts";

test("a trailing backslash continues; pasted lines join into one input", async () => {
  const got: string[] = [];
  const a = createLineAssembler((t) => got.push(t), 5);
  expect(a.push("first \\")).toBe(true);
  expect(a.open).toBe(true);
  expect(a.push("second")).toBe(false);
  await Bun.sleep(20);
  a.push("pasted one");
  a.push("pasted two");
  await Bun.sleep(20);
  a.push("dropped");
  expect(a.clear()).toBe(true);
  await Bun.sleep(20);
  expect(got).toEqual(["first \nsecond", "pasted one\npasted two"]);
});

test("with no paste window every line is its own input (piped stdin)", () => {
  const got: string[] = [];
  const a = createLineAssembler((t) => got.push(t), 0);
  a.push("one");
  a.push("two \\");
  a.push("three");
  expect(got).toEqual(["one", "two \nthree"]);
});
