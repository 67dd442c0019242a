/** `loom plugin …` given broken plugins, bad names and an unreachable registry: one line, exit 1, fast. */
import { afterAll, expect, test } from "bun:test";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, loom } from "./_harness.ts";

const sb = createSandbox({ "a.txt": "hi\n" });
afterAll(() => sb.cleanup());
const EDIT = join(import.meta.dir, "..", "..", "plugins", "edit");

function fails(r: { code: number; stderr: string }, message: string): void {
  expect(r.code).toBe(1);
  const lines = r.stderr.split("\n").filter((l) => l.trim() && !l.startsWith("fetching "));
  expect(lines).toEqual([expect.stringContaining(message)]);
}

test("install: a folder without a manifest, broken JSON, a wrong sha256", async () => {
  const empty = join(sb.root, "empty");
  mkdirSync(empty);
  fails(await loom(sb, ["plugin", "install", empty]), `${empty}/loom-plugin.json: not found`);
  const broken = join(sb.root, "broken");
  mkdirSync(broken);
  writeFileSync(join(broken, "loom-plugin.json"), "{");
  fails(await loom(sb, ["plugin", "install", broken]), `${broken}/loom-plugin.json: not valid JSON`);
  const tampered = join(sb.root, "tampered");
  mkdirSync(tampered);
  cpSync(join(EDIT, "loom-plugin.json"), join(tampered, "loom-plugin.json"));
  cpSync(join(EDIT, "edit.wasm"), join(tampered, "edit.wasm"));
  const m = JSON.parse(readFileSync(join(tampered, "loom-plugin.json"), "utf8")) as { sha256: string };
  m.sha256 = "0".repeat(64);
  writeFileSync(join(tampered, "loom-plugin.json"), JSON.stringify(m));
  fails(await loom(sb, ["plugin", "install", tampered]), "the manifest says 0000");
});

test("install: a missing path is not looked up on the registry; an unreachable registry fails fast", async () => {
  fails(await loom(sb, ["plugin", "install", "./typo"]), "no such plugin folder or file: ./typo");
  fails(await loom(sb, ["plugin", "install", "typo.tgz"]), "no such plugin folder or file: typo.tgz");
  const offline = await loom(sb, ["plugin", "install", "loom-plugin-does-not-exist"], {
    env: { npm_config_registry: "http://127.0.0.1:1/" },
  });
  fails(offline, "loom-plugin-does-not-exist: cannot reach http://127.0.0.1:1/ (ECONNREFUSED)");
});

test("build: a missing folder or broken manifest names the file", async () => {
  fails(
    await loom(sb, ["plugin", "build", join(sb.root, "nope")]),
    `${sb.root}/nope/loom-plugin.json: not found`,
  );
  fails(
    await loom(sb, ["plugin", "build", join(sb.root, "broken")]),
    `${sb.root}/broken/loom-plugin.json: not valid JSON`,
  );
});

test("remove unknown, new with a bad name or an existing folder", async () => {
  fails(await loom(sb, ["plugin", "remove", "nope"]), "no plugin 'nope' installed");
  fails(await loom(sb, ["plugin", "remove", "../../etc"]), "no plugin '../../etc' installed");
  fails(await loom(sb, ["plugin", "new", "Bad Name"]), "plugin name 'Bad Name'");
  fails(await loom(sb, ["plugin", "new", "../x"]), "plugin name '../x'");
  mkdirSync(join(sb.workspace, "taken"));
  fails(await loom(sb, ["plugin", "new", "taken"]), `${sb.workspace}/taken already exists`);
});
