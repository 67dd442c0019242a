import { describe, expect, test } from "bun:test";
import { LoomError } from "../errors.ts";
import type { ToolCapabilities, ToolContext } from "../tool.ts";
import { mayReadEnv, requireCapability, requireHost } from "./capabilities.ts";

const none: ToolCapabilities = { read: false, write: false, exec: false, network: [], env: [] };
const ctx = (caps?: Partial<ToolCapabilities>): ToolContext => ({
  workspaceRoot: "/ws",
  signal: new AbortController().signal,
  callId: "c",
  ...(caps === undefined ? {} : { capabilities: { ...none, ...caps } }),
});

function denied(fn: () => void): LoomError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LoomError) return e;
    throw e;
  }
  throw new Error("expected PERMISSION_DENIED");
}

describe("requireCapability", () => {
  test("a trusted direct call (no capabilities) may do anything", () => {
    for (const kind of ["read", "write", "exec"] as const)
      expect(() => requireCapability(ctx(), kind)).not.toThrow();
  });

  test("each kind needs its own grant", () => {
    for (const kind of ["read", "write", "exec"] as const) {
      expect(() => requireCapability(ctx({ [kind]: true }), kind)).not.toThrow();
      const e = denied(() => requireCapability(ctx({}), kind));
      expect(e.code).toBe("PERMISSION_DENIED");
      expect(e.message).toContain(kind);
    }
    expect(denied(() => requireCapability(ctx({ read: true }), "write")).code).toBe("PERMISSION_DENIED");
    expect(denied(() => requireCapability(ctx({ write: true, exec: true }), "read")).code).toBe(
      "PERMISSION_DENIED",
    );
  });
});

describe("mayReadEnv", () => {
  test("only granted names, exactly; anything for a trusted call", () => {
    expect(mayReadEnv(ctx(), "HOME")).toBe(true);
    expect(mayReadEnv(ctx({ env: ["TOKEN"] }), "TOKEN")).toBe(true);
    expect(mayReadEnv(ctx({ env: ["TOKEN"] }), "TOKEN2")).toBe(false);
    expect(mayReadEnv(ctx({ env: ["TOKEN"] }), "token")).toBe(false);
    expect(mayReadEnv(ctx(), "X") && !mayReadEnv(ctx({ env: [] }), "X")).toBe(true);
  });
});

describe("requireHost", () => {
  const allowed = (patterns: string[], host: string) => {
    try {
      requireHost(ctx({ network: patterns }), host);
      return true;
    } catch (e) {
      expect((e as LoomError).code).toBe("PERMISSION_DENIED");
      expect((e as LoomError).message).toContain(host);
      return false;
    }
  };

  test("a trusted call may reach any host", () => {
    expect(() => requireHost(ctx(), "anything.example")).not.toThrow();
  });

  test("exact names, case-insensitively on both sides", () => {
    expect(allowed(["api.example.com"], "api.example.com")).toBe(true);
    expect(allowed(["API.Example.com"], "api.EXAMPLE.com")).toBe(true);
    expect(allowed(["api.example.com"], "example.com")).toBe(false);
    expect(allowed(["api.example.com"], "api.example.com.evil")).toBe(false);
    expect(allowed([], "api.example.com")).toBe(false);
  });

  test("`*` allows every host; `*.example.com` only its subdomains, not siblings or the bare name", () => {
    expect(allowed(["*"], "x.y")).toBe(true);
    expect(allowed(["*.example.com"], "api.example.com")).toBe(true);
    expect(allowed(["*.example.com"], "a.b.example.com")).toBe(true);
    expect(allowed(["*.Example.COM"], "API.example.com")).toBe(true);
    expect(allowed(["*.example.com"], "example.com")).toBe(false);
    expect(allowed(["*.example.com"], "evilexample.com")).toBe(false);
    expect(allowed(["*.example.com"], "example.com.evil")).toBe(false);
    expect(allowed(["x*"], "xy")).toBe(false);
  });

  test("any one matching pattern is enough", () => {
    expect(allowed(["a.example", "b.example"], "b.example")).toBe(true);
    expect(allowed(["a.example", "*.b.example"], "c.b.example")).toBe(true);
  });
});
