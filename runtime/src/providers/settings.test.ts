import { expect, test } from "bun:test";
import { Secret } from "../secret.ts";
import { readSettings } from "./settings.ts";

test("reads camelCase or snake_case keys and unwraps secrets", () => {
  const s = readSettings("vertex", {
    idle_timeout_ms: 500,
    promptCaching: false,
    access_token: new Secret("ya29"),
    location: "",
  });
  expect(s.number("idleTimeoutMs", 1)).toBe(500);
  expect(s.number("requestTimeoutMs", 7)).toBe(7);
  expect(s.boolean("promptCaching", true)).toBe(false);
  expect(s.string("accessToken")).toBe("ya29");
  expect(s.string("location")).toBeUndefined();
  expect(readSettings("x", undefined).string("project")).toBeUndefined();
});

test("a value of the wrong type names the config key", () => {
  expect(() => readSettings("anthropic", { idle_timeout_ms: "soon" }).number("idleTimeoutMs", 1)).toThrow(
    'providers.anthropic.idle_timeout_ms: expected a positive number, got "soon"',
  );
  expect(() => readSettings("openai", { streamUsage: "yes" }).boolean("streamUsage", true)).toThrow(
    "true or false",
  );
});
