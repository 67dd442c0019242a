import { afterAll, expect, test } from "bun:test";
import type { CustomCommand } from "../session/custom-commands.ts";
import type { Session } from "../session/session.ts";
import { registerCustomCommands, runSlash, SLASH_COMMANDS, type SlashContext } from "./slash.ts";
import { customSlashCommand } from "./slash-custom.ts";
import { createStyle } from "./style.ts";

const cmd = (name: string, extra: Partial<CustomCommand> = {}): CustomCommand => ({
  name,
  description: `the ${name} command`,
  body: "Fix issue $1 then $ARGUMENTS",
  source: "workspace",
  path: `/w/.loom/commands/${name}.md`,
  ...extra,
});

afterAll(() => {
  delete SLASH_COMMANDS.fix;
});

test("custom commands join the registry and /help; a built-in's name is kept; running one sends its prompt", async () => {
  const skipped = registerCustomCommands([
    cmd("fix", { argumentHint: "[issue]", allowedTools: ["read_file"] }),
    cmd("help"),
  ]);
  expect(skipped).toEqual(["/w/.loom/commands/help.md: /help is a built-in command; skipped"]);
  expect(SLASH_COMMANDS.help?.custom).toBeUndefined();
  const lines: string[] = [];
  const sent: Array<[string, unknown]> = [];
  const ctx: SlashContext = {
    session: async () => ({}) as Session,
    print: (l) => lines.push(l),
    style: createStyle(false),
    exit: () => undefined,
    showThread: () => undefined,
    runPrompt: async (text, options) => void sent.push([text, options]),
  };
  await runSlash("/help", ctx);
  expect(lines.some((l) => /\/fix \[issue\] +the fix command \(\.loom\/commands\)/.test(l))).toBe(true);
  await runSlash("/fix 12 carefully", ctx);
  expect(sent).toEqual([["Fix issue 12 then 12 carefully", { tools: ["read_file"] }]]);
  // The dispatcher's did-you-mean knows it too.
  lines.length = 0;
  await runSlash("/fxi", ctx);
  expect(lines[0]).toContain("/fix");
});

test("a workspace command's description and hint are shown without escape sequences", () => {
  const c = customSlashCommand(
    cmd("deploy", { description: "ships it\x1b]52;c;eA==\x07 now", argumentHint: "[env\x1b[2J]" }),
  );
  expect(c.usage).toBe("/deploy [env]");
  expect(c.help).toBe("ships it now (.loom/commands)");
});
