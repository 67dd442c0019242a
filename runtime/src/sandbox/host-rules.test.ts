import { describe, expect, test } from "bun:test";
import { formatHostRule, hostAllowed, parseHostRule, parseHostRules } from "./host-rules.ts";

describe("host rules", () => {
  test("hosts, wildcards, IPs and ports parse; case and a final dot do not matter", () => {
    expect(parseHostRule("Registry.NPMjs.org")).toEqual({ host: "registry.npmjs.org", wildcard: false });
    expect(parseHostRule("*.github.com")).toEqual({ host: "github.com", wildcard: true });
    expect(parseHostRule("localhost:8080")).toEqual({ host: "localhost", wildcard: false, port: 8080 });
    expect(parseHostRule("10.0.0.1:*")).toEqual({ host: "10.0.0.1", wildcard: false, port: "*" });
    expect(parseHostRule("[::1]:3000")).toEqual({ host: "::1", wildcard: false, port: 3000 });
    expect(parseHostRule("example.com.")).toEqual({ host: "example.com", wildcard: false });
    expect(formatHostRule(parseHostRule("*.github.com:22"))).toBe("*.github.com:22");
    expect(formatHostRule(parseHostRule("[::1]"))).toBe("[::1]");
  });

  test("garbage is CONFIG_INVALID on one line naming the entry", () => {
    for (const bad of [
      "",
      "https://github.com",
      "github.com/path",
      "user@host",
      "two words",
      "*",
      "*github.com",
      "*.com",
      "a.*.com",
      "host:0",
      "host:70000",
      "host:http",
      "::1",
      "[::1",
      "[nothex]:80",
      "999.1.1.1",
      "-bad-.com",
    ]) {
      let err: unknown;
      try {
        parseHostRule(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: "CONFIG_INVALID" });
      const msg = (err as Error).message;
      expect(msg).toContain(`'${bad}'`);
      expect(msg).not.toContain("\n");
    }
  });

  test("matching: exact host, wildcard subdomains only, default ports 80/443, listed port only", () => {
    const rules = parseHostRules(["registry.npmjs.org", "*.github.com", "localhost:8080", "127.0.0.1:*"]);
    expect(hostAllowed(rules, "registry.npmjs.org", 443)).toBe(true);
    expect(hostAllowed(rules, "REGISTRY.npmjs.org.", 80)).toBe(true);
    expect(hostAllowed(rules, "registry.npmjs.org", 22)).toBe(false);
    expect(hostAllowed(rules, "evil-registry.npmjs.org", 443)).toBe(false);
    expect(hostAllowed(rules, "registry.npmjs.org.evil.com", 443)).toBe(false);
    expect(hostAllowed(rules, "api.github.com", 443)).toBe(true);
    expect(hostAllowed(rules, "a.b.github.com", 443)).toBe(true);
    expect(hostAllowed(rules, "github.com", 443)).toBe(false);
    expect(hostAllowed(rules, "evilgithub.com", 443)).toBe(false);
    expect(hostAllowed(rules, "localhost", 8080)).toBe(true);
    expect(hostAllowed(rules, "localhost", 8081)).toBe(false);
    expect(hostAllowed(rules, "127.0.0.1", 5432)).toBe(true);
    // IP literals reach only when listed: no way around a name through its address.
    expect(hostAllowed(rules, "140.82.112.3", 443)).toBe(false);
    expect(hostAllowed(rules, "2130706433", 80)).toBe(false);
    expect(hostAllowed(rules, "[::1]", 8080)).toBe(false);
    expect(hostAllowed(parseHostRules(["[::1]:8080"]), "[::1]", 8080)).toBe(true);
  });
});
