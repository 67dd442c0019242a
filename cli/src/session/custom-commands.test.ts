import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expandCommand, loadCustomCommands, MAX_COMMAND_BYTES, parseCommandFile } from "./custom-commands.ts";

let root: string;
let ws: string;
let env: Record<string, string>;
beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "loom-commands-")));
  ws = join(root, "ws");
  mkdirSync(join(ws, ".loom", "commands"), { recursive: true });
  mkdirSync(join(root, "config", "loom", "commands"), { recursive: true });
  env = { HOME: join(root, "home"), XDG_CONFIG_HOME: join(root, "config") };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const user = (name: string, text: string) =>
  writeFileSync(join(root, "config", "loom", "commands", name), text);
const here = (name: string, text: string) => writeFileSync(join(ws, ".loom", "commands", name), text);

describe("custom commands", () => {
  test("front matter gives description, argument hint and allowed tools; the body is the prompt", () => {
    const c = parseCommandFile(
      "---\ndescription: Review a file\nargument-hint: [path]\nallowed-tools: read_file, grep\n---\nReview $ARGUMENTS.\n",
    );
    expect(c).toEqual({
      description: "Review a file",
      argumentHint: "[path]",
      allowedTools: ["read_file", "grep"],
      body: "Review $ARGUMENTS.",
    });
    expect(parseCommandFile("---\nallowed-tools: [\"bash\", 'grep']\n---\nx").allowedTools).toEqual([
      "bash",
      "grep",
    ]);
    // No front matter: the first line (a heading's text) describes it.
    expect(parseCommandFile("# Explain the build\nExplain it.").description).toBe("Explain the build");
  });

  test("$ARGUMENTS and $1…$9 are replaced; without a placeholder the arguments follow the body", () => {
    expect(expandCommand({ body: "Fix issue $1 in $2. All: $ARGUMENTS" }, "42 api.ts")).toBe(
      "Fix issue 42 in api.ts. All: 42 api.ts",
    );
    expect(expandCommand({ body: "Fix $3." }, "a")).toBe("Fix .");
    expect(expandCommand({ body: "Summarise the repo." }, "briefly")).toBe("Summarise the repo.\n\nbriefly");
    // Arguments are not substituted again.
    expect(expandCommand({ body: "$ARGUMENTS and $2" }, "$2 x")).toBe("$2 x and x");
  });

  test("workspace commands replace the user's of the same name; bad files are skipped with a reason", () => {
    user("review.md", "---\ndescription: user review\n---\nuser");
    user("mine.md", "mine");
    here("review.md", "---\ndescription: project review\n---\nproject");
    here("bad name.md", "x");
    here("notes.txt", "not a command");
    here("huge.md", "x".repeat(MAX_COMMAND_BYTES + 1));
    writeFileSync(join(root, "secret.md"), "outside");
    symlinkSync(join(root, "secret.md"), join(ws, ".loom", "commands", "leak.md"));
    const { commands, warnings } = loadCustomCommands(ws, env);
    expect(commands.map((c) => [c.name, c.source, c.body])).toEqual([
      ["mine", "user", "mine"],
      ["review", "workspace", "project"],
    ]);
    expect(warnings.some((w) => w.includes("bad name.md"))).toBe(true);
    expect(warnings.some((w) => w.includes("huge.md") && w.includes("64 KiB"))).toBe(true);
    expect(warnings.some((w) => w.includes("leak.md") && w.includes("outside the workspace"))).toBe(true);
  });

  test("no folders: no commands, no warnings", () => {
    rmSync(join(ws, ".loom"), { recursive: true });
    expect(loadCustomCommands(ws, { HOME: join(root, "nobody") })).toEqual({ commands: [], warnings: [] });
  });
});
