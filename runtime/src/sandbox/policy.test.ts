import { describe, expect, test } from "bun:test";
import { defaultSandboxMode, parseSandboxMode, sandboxNetwork, sandboxPolicy } from "./policy.ts";

const none = { network: [], hidden: [], writable: [] };

describe("sandboxPolicy", () => {
  test("the permission mode picks the default; danger-full-access only when asked for", () => {
    expect(defaultSandboxMode("auto")).toBe("workspace-write");
    expect(defaultSandboxMode("ask")).toBe("workspace-write");
    expect(defaultSandboxMode("read-only")).toBe("read-only");
    expect(sandboxPolicy(none, "auto", { HOME: "/h" }).mode).toBe("workspace-write");
    expect(sandboxPolicy({ ...none, mode: "danger-full-access" }, "auto", { HOME: "/h" }).mode).toBe(
      "danger-full-access",
    );
  });

  test("credential stores of HOME, loom's config dir and configured paths are hidden", () => {
    const p = sandboxPolicy({ ...none, hidden: ["~/.secret", "/etc/vault"] }, "auto", {
      HOME: "/h",
      XDG_CONFIG_HOME: "/x",
    });
    for (const path of ["/h/.ssh", "/h/.aws", "/h/.config/gcloud", "/h/.docker/config.json", "/h/.netrc"])
      expect(p.hidden).toContain(path);
    expect(p.hidden).toContain("/x/loom");
    expect(p.hidden).toContain("/h/.cache/loom");
    expect(p.hidden).toContain("/h/.secret");
    expect(p.hidden).toContain("/etc/vault");
  });

  test("without an absolute HOME nothing of HOME is listed, and ~ cannot be expanded", () => {
    for (const HOME of [undefined, "", "relative/home"]) {
      const p = sandboxPolicy(none, "auto", { HOME, XDG_CONFIG_HOME: "/x", XDG_CACHE_HOME: "/c" });
      expect(p.hidden).toEqual(["/x/loom", "/c/loom"]);
      expect(p.writable).toEqual([]);
      expect(() => sandboxPolicy({ ...none, hidden: ["~/.s"] }, "auto", { HOME })).toThrow(/needs HOME/);
    }
    expect(sandboxPolicy({ ...none, hidden: ["~"] }, "auto", { HOME: "/h" }).hidden).toContain("/h");
    expect(sandboxPolicy({ ...none, hidden: ["~/secret"] }, "auto", { HOME: "/h" }).hidden).toContain(
      "/h/secret",
    );
  });

  test("writable paths expand ~ and refuse relative ones", () => {
    const w = sandboxPolicy({ ...none, writable: ["~/out"] }, "auto", { HOME: "/h" }).writable;
    expect(w).toEqual(["/h/.cache", "/h/.bun/install/cache", "/h/.npm", "/h/out"]);
    expect(() => sandboxPolicy({ ...none, writable: ["out"] }, "auto", { HOME: "/h" })).toThrow(/absolute/);
  });

  test("network: loopback is the sandbox's own, * the host's, host entries an allow-list; garbage refused", () => {
    expect(sandboxNetwork([])).toBe("none");
    expect(sandboxNetwork(["loopback"])).toBe("none");
    expect(sandboxNetwork(["*"])).toBe("host");
    expect(sandboxNetwork(["github.com", "*"])).toBe("host");
    expect(sandboxNetwork(["loopback", "github.com"])).toBe("hosts");
    expect(() => sandboxNetwork(["https://github.com"])).toThrow(
      /\[sandbox\] network: 'https:\/\/github.com'/,
    );
    expect(() => sandboxNetwork(["*", "a b"])).toThrow(/CONFIG_INVALID|not a host/);
    const p = sandboxPolicy(
      { ...none, network: ["Registry.npmjs.org", "*.github.com", "loopback"] },
      "auto",
      {},
    );
    expect(p).toMatchObject({ network: "hosts", hosts: ["registry.npmjs.org", "*.github.com"] });
    expect(sandboxPolicy(none, "auto", {}).hosts).toBeUndefined();
  });

  test("parseSandboxMode", () => {
    expect(parseSandboxMode("read-only")).toBe("read-only");
    expect(parseSandboxMode("full")).toBeUndefined();
  });
});
