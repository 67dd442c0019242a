import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LockEntry, lockedGrants, readLock, writeLock } from "./lockfile.ts";
import { unionGrants } from "./registry.ts";

const dir = mkdtempSync(join(tmpdir(), "loom-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (over: Partial<LockEntry> = {}): LockEntry => ({
  package: "loom-plugin-wc",
  spec: "^1.0.0",
  version: "1.0.0",
  source: "registry",
  resolved: "https://r.example/wc-1.0.0.tgz",
  integrity: "sha512-x",
  sha256: "a".repeat(64),
  granted: { read: ["."] },
  ...over,
});

describe("plugins.lock", () => {
  test("a missing lockfile is empty; written entries come back sorted by name, in a new folder", () => {
    const file = join(dir, "new/sub/plugins.lock");
    expect(readLock(file)).toEqual({ lockfileVersion: 1, plugins: {} });
    writeLock(file, { lockfileVersion: 1, plugins: { zeta: entry(), alpha: entry({ granted: {} }) } });
    expect(Object.keys(readLock(file).plugins)).toEqual(["alpha", "zeta"]);
    expect(readFileSync(file, "utf8")).toEndWith("}\n");
    expect(lockedGrants(file)).toEqual({ alpha: {}, zeta: { read: ["."] } });
  });

  test("a broken lockfile is one PLUGIN_INVALID line naming the file and the field; it grants nothing", () => {
    const bad = join(dir, "bad.lock");
    writeFileSync(bad, "{");
    expect(() => readLock(bad)).toThrow(`${bad}: not valid JSON`);
    writeFileSync(bad, JSON.stringify({ lockfileVersion: 1, plugins: { x: entry({ sha256: "nope" }) } }));
    expect(() => readLock(bad)).toThrow(`${bad}: /plugins/x/sha256:`);
    expect(lockedGrants(bad)).toEqual({});
  });
});

describe("unionGrants", () => {
  test("paths, hosts and names together without duplicates; exec when either allows it", () => {
    expect(
      unionGrants({ read: ["src"], network: ["a.example"] }, { read: ["src", "docs"], exec: true }),
    ).toEqual({
      read: ["src", "docs"],
      network: ["a.example"],
      exec: true,
    });
    expect(unionGrants(undefined, {})).toEqual({});
  });
});
