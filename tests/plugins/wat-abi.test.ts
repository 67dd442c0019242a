/**
 * Issue 20, the host ABI reference: the raw WAT plugin printed in specs/plugin-authoring.md
 * ("A plugin in raw WAT") is taken from the spec itself, built by `loom plugin build` with a
 * manifest `build` command (wabt's wat2wasm), and run by the real host through `loom plugin test`
 * and `loom tools call`. If the reference and the host disagree, this fails.
 */
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, loom, type Sandbox } from "../cli/_harness.ts";
import { ROOT } from "../e2e/helpers.ts";

setDefaultTimeout(60_000);

/** The ```wat block under the spec's "A plugin in raw WAT" heading. */
function watFromSpec(): string {
  const spec = readFileSync(join(ROOT, "specs/plugin-authoring.md"), "utf8");
  const section = spec.slice(spec.indexOf("### A plugin in raw WAT"));
  const match = /```wat\n([\s\S]*?)```/.exec(section);
  if (!match?.[1])
    throw new Error("specs/plugin-authoring.md has no ```wat block under 'A plugin in raw WAT'");
  return match[1];
}

const manifest = {
  name: "wat-demo",
  version: "0.1.0",
  description: "the raw WAT plugin of specs/plugin-authoring.md",
  kind: "tool",
  runtime: "wasm",
  entry: "plugin.wasm",
  sha256: "0".repeat(64),
  // wabt's wat2wasm (a devDependency), run by Bun so the test needs no Node.
  build: `"${process.execPath}" "${join(ROOT, "node_modules/wabt/bin/wat2wasm")}" plugin.wat -o plugin.wasm`,
  tools: [
    { name: "upper", description: "upper-cases", inputSchema: { type: "object" } },
    {
      name: "cat",
      description: "reads a file",
      inputSchema: {
        type: "object",
        properties: { path: { type: "string", pattern: "^[A-Za-z0-9._/-]+$" } },
        required: ["path"],
        additionalProperties: false,
      },
    },
    { name: "fail", description: "fails", inputSchema: { type: "object" } },
  ],
  permissions: { read: ["."] },
};

const cases = {
  cases: [
    { name: "upper", tool: "upper", input: { text: "abc" }, output: { TEXT: "ABC" } },
    {
      name: "cat reads",
      tool: "cat",
      files: { "notes.txt": "hello from a file" },
      input: { path: "notes.txt" },
      output: "hello from a file",
    },
    {
      name: "cat stays inside",
      tool: "cat",
      input: { path: "../outside.txt" },
      error: "PATH_OUTSIDE_WORKSPACE",
    },
    { name: "cat of nothing", tool: "cat", input: { path: "missing.txt" }, error: "NOT_FOUND" },
    { name: "fail", tool: "fail", input: {}, error: "wat-demo/fail: no luck" },
  ],
};

let sb: Sandbox;
let dir: string;

beforeAll(() => {
  sb = createSandbox({ "notes.txt": "one two\n" });
  dir = join(sb.root, "wat-demo");
  mkdirSync(join(dir, "tests"), { recursive: true });
  writeFileSync(join(dir, "plugin.wat"), watFromSpec());
  writeFileSync(join(dir, "loom-plugin.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(dir, "tests/cases.json"), JSON.stringify(cases));
});
afterAll(() => sb.cleanup());

test("the spec's WAT plugin builds with loom plugin build and passes its cases on the real host", async () => {
  const built = await loom(sb, ["plugin", "build", dir]);
  expect(built.stderr).toBe("");
  expect(built.code).toBe(0);
  const sha = JSON.parse(readFileSync(join(dir, "loom-plugin.json"), "utf8")).sha256 as string;
  expect(built.stdout).toContain(`sha256 ${sha}`);

  const tested = await loom(sb, ["plugin", "test", dir]);
  expect(tested.stdout).toContain("5 passed, 0 failed");
  expect(tested.code).toBe(0);
});

test("installed from plugins.paths, its read_file is denied until the user grants it", async () => {
  const config = join(sb.env.XDG_CONFIG_HOME!, "loom");
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, "config.toml"), `[plugins]\npaths = [${JSON.stringify(dir)}]\n`);
  const upper = await loom(sb, ["tools", "call", "upper", '{"a":"b"}']);
  expect(JSON.parse(upper.stdout)).toEqual({ A: "B" });
  const denied = await loom(sb, ["tools", "call", "cat", '{"path":"notes.txt"}']);
  expect(denied.code).toBe(1);
  expect(denied.stderr).toContain("PERMISSION_DENIED: wat-demo/cat: plugin wat-demo may not read notes.txt");
  writeFileSync(
    join(config, "config.toml"),
    `[plugins]\npaths = [${JSON.stringify(dir)}]\n\n[plugins.grants.wat-demo]\nread = ["."]\n`,
  );
  const granted = await loom(sb, ["tools", "call", "cat", '{"path":"notes.txt"}']);
  expect(granted.code).toBe(0);
  expect(JSON.parse(granted.stdout)).toBe("one two\n");
  expect(granted.stderr).toContain("notes.txt"); // the plugin's log line
});
