/**
 * `loom plugin new <name>`: an AssemblyScript tool plugin that builds, tests and installs as is.
 * The SDK (assembly/loom.ts) is copied from the Loom install (embedded in the single binary), so the
 * folder needs nothing else.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { LoomError } from "@loom/runtime/errors";
// A file import: a path string, the file embedded in the single binary (TypeScript sees file.d.ts).
import sdkFile from "@loom/runtime/plugins/as-sdk-file" with { type: "file" };

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

export function manifest(name: string, tool: string): object {
  return {
    name,
    version: "0.1.0",
    description: `${name}: a Loom tool plugin`,
    kind: "tool",
    runtime: "wasm",
    entry: "plugin.wasm",
    sha256: "0".repeat(64),
    tools: [
      {
        name: tool,
        description: "Counts the words and lines of a text, or of a file in the workspace.",
        export: "run",
        inputSchema: {
          type: "object",
          properties: {
            text: { type: "string", description: "Text to count" },
            path: { type: "string", description: "Or: a file in the workspace" },
          },
          additionalProperties: false,
        },
      },
    ],
    permissions: { read: ["."] },
    limits: { timeoutMs: 5000, memoryMb: 32, maxOutputBytes: 65536 },
  };
}

const INDEX = `// The tool: input is the JSON the model sends, output is what it reads back.
// Build: loom plugin build    Test: loom plugin test    Install: loom plugin install .
import { fail, input, jsonError, log, output, parseJson, readFile } from "./loom";

export function run(): i32 {
  const req = parseJson(input());
  if (req === null) return fail("input is not valid JSON: " + jsonError);
  const text = req.get("text");
  const path = req.get("path");
  let body = "";
  if (text !== null && text.isString()) body = text.str;
  else if (path !== null && path.isString()) {
    body = readFile(path.str); // host function; needs permissions.read
    log("read " + path.str); // shown by loom tools call, kept in the session log otherwise
  } else return fail("give text or path");

  let words = 0;
  let lines = 0;
  let inWord = false;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    const space = c == 32 || c == 9 || c == 10 || c == 13;
    if (c == 10) lines++;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  if (body.length > 0 && body.charCodeAt(body.length - 1) != 10) lines++;
  output('{"words":' + words.toString() + ',"lines":' + lines.toString() + "}");
  return 0;
}
`;

export function cases(tool: string): object {
  return {
    cases: [
      {
        name: "counts words in text",
        tool,
        input: { text: "one two\nthree" },
        output: { words: 3, lines: 2 },
      },
      {
        name: "reads a file in the workspace",
        tool,
        files: { "notes.txt": "a b c\n" },
        input: { path: "notes.txt" },
        output: { words: 3, lines: 1 },
      },
      {
        name: "stays inside the workspace",
        tool,
        input: { path: "../outside.txt" },
        error: "PATH_OUTSIDE_WORKSPACE",
      },
      { name: "needs text or path", tool, input: {}, error: "give text or path" },
    ],
  };
}

function readme(name: string, tool: string): string {
  return `# ${name}

A Loom tool plugin (AssemblyScript → WebAssembly). It provides the tool \`${tool}\`.

    loom plugin build      # compile assembly/ to plugin.wasm, record its sha256 in loom-plugin.json
    loom plugin test       # run tests/cases.json against the real plugin host
    loom plugin install .  # install for this user
    loom tools call ${tool} '{"text":"hello plugin world"}'

See Loom's specs/plugin-authoring.md for the host functions, permissions and limits.
`;
}

export const json = (o: object) => `${JSON.stringify(o, null, 2)}\n`;

/** Checks the name and that `dir` is free; returns the tool name the scaffold uses. */
export function newPluginTool(dir: string, name: string): string {
  if (!NAME.test(name)) {
    throw new LoomError(
      "INVALID_INPUT",
      `plugin name '${name}': use lower-case letters, digits and '-', starting with a letter`,
    );
  }
  if (existsSync(dir)) throw new LoomError("CONFLICT", `${dir} already exists`);
  return name.replaceAll("-", "_");
}

/** Writes the scaffold into `dir` (which must not exist yet); returns the tool name. */
export async function scaffoldPlugin(dir: string, name: string): Promise<string> {
  const tool = newPluginTool(dir, name);
  const sdk = await Bun.file(sdkFile).text();
  mkdirSync(join(dir, "assembly"), { recursive: true });
  mkdirSync(join(dir, "tests"), { recursive: true });
  await Bun.write(join(dir, "loom-plugin.json"), json(manifest(name, tool)));
  await Bun.write(join(dir, "assembly/index.ts"), INDEX);
  await Bun.write(join(dir, "assembly/loom.ts"), sdk);
  await Bun.write(join(dir, "tests/cases.json"), json(cases(tool)));
  await Bun.write(join(dir, "README.md"), readme(name, tool));
  await Bun.write(
    join(dir, "package.json"),
    json({
      name: `loom-plugin-${name}`,
      version: "0.1.0",
      description: `${name}: a Loom tool plugin`,
      keywords: ["loom-plugin"],
      files: ["loom-plugin.json", "plugin.wasm", "README.md"],
      scripts: { build: "loom plugin build", test: "loom plugin test" },
    }),
  );
  return tool;
}
