/**
 * Careless and hostile command lines: every one gets a single line naming the problem and exit 2,
 * and every command's --help carries examples.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createSandbox, loom } from "./_harness.ts";

const sb = createSandbox({ "a.txt": "hi\n" });
afterAll(() => sb.cleanup());

function oneLine(stderr: string): string {
  const lines = stderr.split("\n").filter((l) => l.trim());
  expect(lines).toHaveLength(1);
  expect(stderr).not.toContain("    at ");
  return lines[0] ?? "";
}

describe("usage errors", () => {
  test.each([
    [["version", "extra"], "unexpected argument 'extra'"],
    [["threads", "list", "extra"], "unexpected argument 'extra'"],
    [["threads", "show", "a", "b"], "unexpected argument 'b'"],
    [["tools", "call", "grep", "{}", "extra"], "unexpected argument 'extra'"],
    [["undo", "extra"], "unexpected argument 'extra'"],
    [["threads", "show"], "missing required positional argument: ID"],
    [["threads", "list", "--json=banana"], "--json is a switch and takes no value"],
    [["run", "--model"], "--model needs a value"],
    [["threads", "list", "--limit", "--json"], "--limit needs a value"],
    [["--model"], "--model needs a value"],
    [
      ["run", "--max-steps", "-3", "x"],
      "--max-steps needs a value ('-3' reads as an option; write --max-steps=-3",
    ],
    [["run", "--max-steps=-3", "x"], "--max-steps must be a whole number, 0 for no limit (got '-3')"],
    [["help", "bogus"], "unknown command 'bogus'"],
    [["rnu", "hi"], "unknown command 'rnu' (did you mean loom run?)"],
    [["thread", "list"], "unknown command 'thread' (did you mean loom threads?)"],
    [["help", "rnu"], "unknown command 'rnu' (did you mean loom run?)"],
    [["run", "--modle", "m", "hi"], "unknown option '--modle' (did you mean --model?)"],
    [["--modle", "m"], "unknown option '--modle' (did you mean --model?)"],
    [["fix the bug"], `unknown command 'fix the bug'; to run it as a task: loom run "fix the bug"`],
    [["threads", "search", " "], "give some text to search for"],
    [["--workspace", "a.txt"], "workspace a.txt is not a directory"],
    [["run", "--server-url", "notaurl", "x"], "--server-url must be an http(s) URL (got 'notaurl')"],
    [["run", "--workspace", "/nonexistent-loom-dir", "x"], "workspace /nonexistent-loom-dir does not exist"],
    [["undo", "--workspace", "/nonexistent-loom-dir"], "workspace /nonexistent-loom-dir does not exist"],
    [["undo", "--workspace", "a.txt"], "workspace a.txt is not a directory"],
  ])("loom %j", async (args, message) => {
    const r = await loom(sb, args);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toContain(message);
    expect(r.stdout).toBe("");
  });

  test("words after a command that takes them still work", async () => {
    const r = await loom(sb, ["threads", "search", "no", "such", "words"]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toBe('no thread matches "no such words"');
  });
});

describe("help", () => {
  test("loom help <command> prints that command's usage under its full name, with examples", async () => {
    const r = await loom(sb, ["help", "threads", "show"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("USAGE loom threads show");
    expect(r.stdout).toContain("EXAMPLES");
    expect(r.stdout).toContain("loom threads show 3f2a");
  });

  test("--provider's help says configured providers count too, and where to see them", async () => {
    const r = await loom(sb, ["run", "--help"]);
    expect(r.stdout).toContain("or one configured as [providers.<name>] (`loom models` lists them all)");
  });

  test("piped help is plain text (no terminal colour codes) even without NO_COLOR", async () => {
    const r = await loom(sb, ["run", "--help"], { env: { NO_COLOR: "" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("USAGE loom run");
    expect(r.stdout).not.toContain("\x1b[");
  });

  test("every command's --help has an example", async () => {
    const commands = [
      [],
      ["run"],
      ["repl"],
      ["resume"],
      ["private"],
      ["threads", "list"],
      ["threads", "show"],
      ["threads", "search"],
      ["threads", "delete"],
      ["undo"],
      ["plugin", "new"],
      ["plugin", "build"],
      ["plugin", "test"],
      ["plugin", "install"],
      ["plugin", "list"],
      ["plugin", "remove"],
      ["tools", "list"],
      ["tools", "call"],
      ["mcp", "login"],
      ["mcp", "logout"],
      ["models"],
      ["version"],
      ["serve"],
      ["login"],
      ["logout"],
      ["whoami"],
      ["acp-agent"],
      ["admin", "token", "create"],
    ];
    const results = await Promise.all(commands.map((c) => loom(sb, [...c, "--help"])));
    for (const [i, r] of results.entries()) {
      const name = ["loom", ...(commands[i] ?? [])].join(" ");
      expect(`${name}: ${r.code}`).toBe(`${name}: 0`);
      expect(r.stdout).toContain(`USAGE ${name}`);
      expect(r.stdout).toMatch(/EXAMPLES\n\n {2}loom/);
    }
  });
});
