import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHostRules } from "./host-rules.ts";
import { closeNetProxies, removeStale, sharedNetProxy } from "./net-proxy.ts";
import { RELAY_SOURCE } from "./relay.ts";

describe("shared proxy", () => {
  test("one per allow-list, started lazily, its folder private and removed when closed", async () => {
    const rules = parseHostRules(["example.com"]);
    const a = sharedNetProxy(rules);
    expect(sharedNetProxy(rules)).toBe(a);
    const other = await sharedNetProxy(parseHostRules(["example.org"]));
    const p = await a;
    expect(other.dir).not.toBe(p.dir);
    expect(p.dir).toContain(`loom-net-${process.pid}-`);
    expect(existsSync(join(p.dir, "proxy.sock"))).toBe(true);
    expect(readFileSync(join(p.dir, "relay.mjs"), "utf8")).toBe(RELAY_SOURCE);
    closeNetProxies();
    expect(existsSync(p.dir)).toBe(false);
    expect(existsSync(other.dir)).toBe(false);
    // Closed proxies are forgotten: the next command starts a new one.
    const again = await sharedNetProxy(rules);
    expect(again.dir).not.toBe(p.dir);
    closeNetProxies();
  });

  test("folders of Loom processes that are gone are removed; live ones are kept", () => {
    const parent = mkdtempSync(join(tmpdir(), "loom-stale-"));
    try {
      const dead = join(parent, "loom-net-999999999-abc");
      const live = join(parent, `loom-net-${process.ppid}-abc`);
      const unrelated = join(parent, "loom-net-x");
      for (const d of [dead, live, unrelated]) mkdirSync(d);
      removeStale(parent);
      expect([existsSync(dead), existsSync(live), existsSync(unrelated)]).toEqual([false, true, true]);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
