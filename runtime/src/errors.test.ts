import { describe, expect, test } from "bun:test";
import { formatError, isLoomError, LoomError } from "./errors.ts";

describe("LoomError", () => {
  test("carries a literal code and serialises to { code, message, details }", () => {
    const e = new LoomError("PATH_OUTSIDE_WORKSPACE", "../x is outside the workspace", { path: "../x" });
    expect(isLoomError(e)).toBe(true);
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      code: "PATH_OUTSIDE_WORKSPACE",
      message: "../x is outside the workspace",
      details: { path: "../x" },
    });
    expect(new LoomError("NOT_FOUND", "gone").toJSON()).toEqual({ code: "NOT_FOUND", message: "gone" });
  });

  test("formatError is one line, never a stack", () => {
    expect(formatError(new LoomError("CONFLICT", "busy"))).toBe("CONFLICT: busy");
    const plain = new Error("first line\n    at somewhere (file.ts:1:1)");
    expect(formatError(plain)).toBe("first line");
    expect(formatError("text")).toBe("text");
    expect(isLoomError(plain)).toBe(false);
  });
});
