import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseManifest } from "./manifest.ts";
import {
  declaredPermissions,
  hostMatches,
  type PermissionRequest,
  pathAllowed,
  resolvePermissions,
} from "./permissions.ts";

const manifestJson = {
  name: "p",
  version: "0.1.0",
  description: "",
  kind: "tool",
  runtime: "wasm",
  entry: "p.wasm",
  sha256: "0".repeat(64),
  tools: [{ name: "t", description: "t", inputSchema: { type: "object" } }],
  permissions: {
    read: ["src", "docs"],
    write: ["src/gen"],
    network: ["api.example.com"],
    env: ["TOKEN"],
    exec: true,
  },
};
const manifest = parseManifest(manifestJson);

describe("resolvePermissions", () => {
  test("without grant or consent nothing is allowed", async () => {
    expect(await resolvePermissions(manifest, undefined)).toEqual({
      read: [],
      write: [],
      exec: false,
      network: [],
      env: [],
    });
  });

  test("the effective set is declared ∩ granted", async () => {
    const p = await resolvePermissions(manifest, {
      read: ["."],
      write: ["src"],
      network: ["*.example.com"],
      env: ["OTHER"],
    });
    expect(p).toEqual({
      read: ["src", "docs"],
      write: ["src/gen"],
      exec: false,
      network: ["api.example.com"],
      env: [],
    });
    expect((await resolvePermissions(manifest, { read: ["src/a"] })).read).toEqual(["src/a"]);
  });

  test("a granted prefix does not match a sibling that shares its spelling", async () => {
    const sibling = parseManifest({
      ...manifestJson,
      permissions: { read: ["src-evil", "src"], write: ["src/gen-x"] },
    });
    const p = await resolvePermissions(sibling, { read: ["src"], write: ["src/gen"] });
    expect(p.read).toEqual(["src"]);
    expect(p.write).toEqual([]);
    // Nor the other way round: a grant of `src-evil` does not cover a declared `src`.
    expect((await resolvePermissions(sibling, { read: ["src-evil/a"] })).read).toEqual(["src-evil/a"]);
    expect((await resolvePermissions(sibling, { read: ["sr"] })).read).toEqual([]);
  });

  test("paths are normalised before they are compared", async () => {
    const m = parseManifest({ ...manifestJson, permissions: { read: ["./src//lib/", "docs"] } });
    expect((await resolvePermissions(m, { read: ["src/"] })).read).toEqual(["src/lib"]);
    expect((await resolvePermissions(m, { read: ["./"] })).read).toEqual(["src/lib", "docs"]);
    expect((await resolvePermissions(m, { read: ["src/lib/deep"] })).read).toEqual(["src/lib/deep"]);
  });

  test("consent is asked only for what the grant does not cover, and grants what was declared", async () => {
    const asked: PermissionRequest[] = [];
    const p = await resolvePermissions(manifest, { read: ["."] }, async (_plugin, req) => {
      asked.push(req);
      return req.kind !== "exec";
    });
    expect(asked.map((a) => a.kind)).toEqual(["write", "exec", "network", "env"]);
    expect(p).toEqual({
      read: ["src", "docs"],
      write: ["src/gen"],
      exec: false,
      network: ["api.example.com"],
      env: ["TOKEN"],
    });
  });
});

describe("edges", () => {
  const bare = parseManifest({ ...manifestJson, permissions: undefined });

  test("a manifest that declares nothing gets nothing, exec included, and nobody is asked", async () => {
    let asked = 0;
    const none = { read: [], write: [], exec: false, network: [], env: [] };
    expect(
      await resolvePermissions(bare, { read: ["."], exec: true, network: ["*"] }, async () => {
        asked++;
        return true;
      }),
    ).toEqual(none);
    expect(asked).toBe(0);
    expect(declaredPermissions(bare)).toEqual(none);
  });

  test("a grant of exec allows exec; consent to exec allows it too", async () => {
    expect((await resolvePermissions(manifest, { exec: true })).exec).toBe(true);
    expect((await resolvePermissions(manifest, undefined, async (_p, r) => r.kind === "exec")).exec).toBe(
      true,
    );
  });

  test("network: an unrelated host grants nothing; env: names match exactly, `*` is not a wildcard", async () => {
    expect((await resolvePermissions(manifest, { network: ["other.example.com"] })).network).toEqual([]);
    expect((await resolvePermissions(manifest, { network: ["api.example.com"] })).network).toEqual([
      "api.example.com",
    ]);
    expect((await resolvePermissions(manifest, { env: ["*"] })).env).toEqual([]);
    expect((await resolvePermissions(manifest, { env: ["TOKEN"] })).env).toEqual(["TOKEN"]);
  });

  test("consent grants declared paths normalised, and other kinds as written", async () => {
    const m = parseManifest({
      ...manifestJson,
      permissions: { read: ["./src/"], write: ["./out//gen/"], network: ["api.example.com/"], env: ["A/B"] },
    });
    const p = await resolvePermissions(m, undefined, async () => true);
    expect(p.read).toEqual(["src"]);
    expect(p.write).toEqual(["out/gen"]);
    expect(p.network).toEqual(["api.example.com/"]);
    expect(p.env).toEqual(["A/B"]);
  });
});

describe("checks", () => {
  test("hostMatches", () => {
    expect(hostMatches("api.example.com", "*.example.com")).toBe(true);
    expect(hostMatches("example.com", "*.example.com")).toBe(false);
    expect(hostMatches("evil-example.com", "*.example.com")).toBe(false);
    expect(hostMatches("API.example.com", "api.example.com")).toBe(true);
    expect(hostMatches("anything.at.all", "*")).toBe(true);
    expect(hostMatches("xapi.example.com", "api.example.com")).toBe(false);
  });

  test("pathAllowed uses workspace-relative prefixes on canonical paths", () => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), "loom-perm-")));
    mkdirSync(join(root, "src"));
    expect(pathAllowed(root, ["src"], join(root, "src/a.ts"))).toBe(true);
    expect(pathAllowed(root, ["src"], join(root, "srcx/a.ts"))).toBe(false);
    expect(pathAllowed(root, ["."], join(root, "x"))).toBe(true);
    expect(pathAllowed(root, ["."], "/etc/passwd")).toBe(false);
    mkdirSync(join(root, "docs"));
    expect(pathAllowed(root, ["src", "docs"], join(root, "docs/b.md"))).toBe(true);
    // A prefix that leaves the workspace (here through a symlink) allows nothing.
    symlinkSync(tmpdir(), join(root, "out"));
    expect(pathAllowed(root, ["out"], join(realpathSync(tmpdir()), "x"))).toBe(false);
    expect(pathAllowed(root, ["out"], join(root, "out", "x"))).toBe(false);
  });
});
