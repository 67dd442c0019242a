import { expect, test } from "bun:test";
import { inputChecker } from "./input-check.ts";

const check = inputChecker("t", {
  type: "object",
  properties: { text: { type: "string", pattern: "^[a-z]+$" }, n: { type: "integer", minimum: 2 } },
  required: ["text"],
  additionalProperties: false,
});
const message = async (input: unknown) => {
  try {
    await check(input);
    return "valid";
  } catch (e) {
    return (e as Error).message;
  }
};

test("a pattern mismatch shows the pattern", async () => {
  expect(await message({ text: "ABC" })).toBe(
    "input for t does not match its schema: /text: String does not match the pattern ^[a-z]+$",
  );
});

test("a property additionalProperties: false refuses is named as unknown", async () => {
  expect(await message({ text: "abc", extra: 1, "a b": 2 })).toBe(
    "input for t does not match its schema: /: unknown property 'extra'; /: unknown property 'a b'",
  );
});

test("null is not an object; other problems keep the validator's words", async () => {
  expect(await message(null)).toContain('/: Instance type "null" is invalid. Expected "object".');
  expect(await message({ text: "a", n: 1 })).toBe(
    "input for t does not match its schema: /n: 1 is less than 2.",
  );
  expect(await message({ text: "abc" })).toBe("valid");
});

test("a pattern behind an escaped pointer is found", async () => {
  const odd = inputChecker("t", {
    type: "object",
    properties: { "a/b": { type: "string", pattern: "^x$" } },
  });
  await expect(odd({ "a/b": "y" })).rejects.toThrow("/a~1b: String does not match the pattern ^x$");
});
