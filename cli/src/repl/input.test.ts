import { expect, test } from "bun:test";
import { createLineAssembler } from "./input.ts";

test("a trailing backslash continues; pasted lines join into one input", async () => {
  const got: string[] = [];
  let submitted = (): void => {};
  // Resolves on the next submit: waits for the paste window to close, however late the timer runs.
  const nextSubmit = () =>
    new Promise<void>((resolve) => {
      submitted = resolve;
    });
  const a = createLineAssembler((t) => {
    got.push(t);
    submitted();
  }, 5);
  expect(a.push("first \\")).toBe(true);
  expect(a.open).toBe(true);
  let next = nextSubmit();
  expect(a.push("second")).toBe(false);
  await next;
  expect(got).toEqual(["first \nsecond"]);
  next = nextSubmit();
  a.push("pasted one");
  a.push("pasted two");
  await next;
  expect(got).toEqual(["first \nsecond", "pasted one\npasted two"]);
  // A cleared input is never submitted: the next submit holds only what came after it.
  a.push("dropped");
  expect(a.clear()).toBe(true);
  expect(a.open).toBe(false);
  next = nextSubmit();
  a.push("after");
  await next;
  expect(got).toEqual(["first \nsecond", "pasted one\npasted two", "after"]);
});

test("with no paste window every line is its own input (piped stdin)", () => {
  const got: string[] = [];
  const a = createLineAssembler((t) => got.push(t), 0);
  a.push("one");
  a.push("two \\");
  a.push("three");
  expect(got).toEqual(["one", "two \nthree"]);
});
