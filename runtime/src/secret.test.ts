import { describe, expect, test } from "bun:test";
import { inspect } from "node:util";
import { Secret } from "./secret.ts";

describe("Secret", () => {
  const s = new Secret("sk-live-123");

  test("prints and serialises as [redacted] in every common way", () => {
    expect(String(s)).toBe("[redacted]");
    expect(`${s}`).toBe("[redacted]");
    expect(JSON.stringify({ key: s })).toBe('{"key":"[redacted]"}');
    expect(inspect(s)).toBe("[redacted]");
    expect(inspect({ nested: { s } })).not.toContain("sk-live");
    expect(Bun.inspect(s)).not.toContain("sk-live");
  });

  test("expose() gives the value where it is needed", () => {
    expect(s.expose()).toBe("sk-live-123");
  });
});
