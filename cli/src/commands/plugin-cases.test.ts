/** `loom plugin test` on cases that try to write outside the scratch workspace. */
import { afterAll, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runPluginCases } from "./plugin-cases.ts";

const HOSTILE = join(import.meta.dir, "../../../tests/plugins/hostile");
const base = realpathSync(mkdtempSync(join(tmpdir(), "loom-cases-")));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function pluginWithCases(name: string, cases: unknown[]): string {
  const dir = join(base, name);
  mkdirSync(join(dir, "tests"), { recursive: true });
  cpSync(join(HOSTILE, "loom-plugin.json"), join(dir, "loom-plugin.json"));
  cpSync(join(HOSTILE, "hostile.wasm"), join(dir, "hostile.wasm"));
  writeFileSync(join(dir, "tests/cases.json"), JSON.stringify({ cases }));
  return dir;
}

test("a files key that climbs out of the scratch workspace is refused and nothing is written", async () => {
  // The scratch workspace is <tmpdir>/loom-plugin-test-*/workspace, so ../../ is the temp dir.
  const escapee = `loom-cases-escape-${process.pid}-${Date.now()}.txt`;
  const target = join(tmpdir(), escapee);
  const dir = pluginWithCases("climb", [
    { name: "fine", tool: "echo", input: {}, output: {} },
    { name: "climbs", tool: "echo", files: { [`../../${escapee}`]: "pwned" }, input: {}, output: {} },
  ]);
  await expect(runPluginCases(dir)).rejects.toThrow(
    `case 'climbs': file '../../${escapee}' is outside the scratch workspace`,
  );
  expect(existsSync(target)).toBe(false);
});

test("absolute paths, a '..' in the middle and non-string contents are refused", async () => {
  const abs = join(base, "absolute.txt");
  for (const [files, message] of [
    [{ [abs]: "x" }, `file '${abs}' is outside the scratch workspace`],
    [{ "a/../../b.txt": "x" }, "file 'a/../../b.txt' is outside the scratch workspace"],
    [{ "a.txt": 1 }, "the content of file 'a.txt' must be a string"],
  ] as const) {
    const dir = pluginWithCases(`bad-${Math.random().toString(36).slice(2)}`, [{ tool: "echo", files }]);
    await expect(runPluginCases(dir)).rejects.toThrow(message);
  }
  expect(existsSync(abs)).toBe(false);
});

test("files inside the scratch workspace are created, subfolders included", async () => {
  const dir = pluginWithCases("inside", [
    {
      tool: "read_path",
      files: { "sub/dir/n.txt": "héllo" },
      input: { path: "sub/dir/n.txt" },
      output: "héllo",
    },
  ]);
  expect(await runPluginCases(dir)).toEqual([{ name: "case 1", ok: true }]);
});

test("before the first build, and outside a plugin folder, the error says what to do", async () => {
  const unbuilt = pluginWithCases("unbuilt", [{ tool: "echo", input: {}, output: {} }]);
  rmSync(join(unbuilt, "hostile.wasm"));
  await expect(runPluginCases(unbuilt)).rejects.toThrow(
    "entry hostile.wasm is missing (build it first: loom plugin build)",
  );
  const plain = join(base, "plain");
  mkdirSync(plain);
  await expect(runPluginCases(plain)).rejects.toThrow("not found (a plugin folder needs one)");
});
