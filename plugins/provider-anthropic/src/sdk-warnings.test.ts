import { expect, test } from "bun:test";
import { sdkWarningsOnce } from "./sdk-warnings.ts";

test("the SDK's console warnings become one prefixed line each, told once, and console.warn is restored", () => {
  const told: string[] = [];
  const original = console.warn;
  const create = sdkWarningsOnce((m) => told.push(m));
  const sdkCall = () => {
    console.warn("The model 'x' is deprecated\nPlease migrate.");
    return 42;
  };
  expect(create(sdkCall)).toBe(42);
  expect(create(sdkCall)).toBe(42);
  expect(told).toEqual(["anthropic: The model 'x' is deprecated; Please migrate."]);
  expect(console.warn).toBe(original);
  expect(() =>
    create(() => {
      throw new Error("refused");
    }),
  ).toThrow("refused");
  expect(console.warn).toBe(original);
});
