/**
 * The REPL's slash commands an editor can use (`available_commands_update`): a prompt that is
 * `/name [arg]` for one of them runs it instead of going to the model. `/model` and `/mode` act
 * like the session's config options; the others run the REPL's own code (engine) and answer with
 * text. Thread switching (`/new`, `/resume`, `/threads`), `/exit` and the commands that need the
 * terminal or start a turn of their own (`/init`, `/plan`, `/login`) are the editor's business.
 * The user's Markdown commands (session/custom-commands.ts) are published too: one becomes the
 * prompt it expands to, run as a normal turn (with its `allowed-tools`).
 */
import type * as acp from "@agentclientprotocol/sdk";
import { SLASH_COMMANDS } from "../repl/slash.ts";
import { type CustomCommand, expandCommand } from "../session/custom-commands.ts";

export const COMMANDS = [
  "model",
  "mode",
  "undo",
  "cost",
  "compact",
  "diff",
  "context",
  "status",
  "permissions",
] as const;
export type CommandName = (typeof COMMANDS)[number];

export function availableCommands(custom: readonly CustomCommand[] = []): acp.AvailableCommand[] {
  const builtIn = COMMANDS.map((name) => {
    const c = SLASH_COMMANDS[name];
    if (!c) throw new Error(`no REPL command /${name}`);
    // "/model [id]" → the hint "id"; "/cost" takes nothing.
    const hint = /\[(.+)\]/.exec(c.usage)?.[1];
    return { name, description: c.help, ...(hint ? { input: { hint } } : {}) };
  });
  const own = custom
    .filter((c) => !isBuiltIn(c.name))
    .map((c) => ({
      name: c.name,
      description: c.description || "(no description)",
      ...(c.argumentHint ? { input: { hint: c.argumentHint.replace(/^\[|\]$/g, "") } } : {}),
    }));
  return [...builtIn, ...own];
}

/** A built-in REPL command keeps its name: a Markdown file of that name is skipped (as in the REPL). */
function isBuiltIn(name: string): boolean {
  const c = SLASH_COMMANDS[name];
  return name === "quit" || (c !== undefined && !c.custom);
}

/** `/name arg` for a published command, else `undefined` (the text goes to the model). */
export function parseCommand(text: string): { name: CommandName; arg: string } | undefined {
  const m = /^\/([a-z-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  const name = COMMANDS.find((c) => c === m?.[1]);
  return name ? { name, arg: (m?.[2] ?? "").trim() } : undefined;
}

/** `/name args` for one of the user's commands: the prompt it expands to and its tools. */
export function customPrompt(
  text: string,
  custom: readonly CustomCommand[],
): { text: string; tools?: string[] } | undefined {
  const m = /^\/([A-Za-z0-9_-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  const c = m && custom.find((x) => x.name === m[1]);
  if (!c || isBuiltIn(c.name)) return undefined;
  return { text: expandCommand(c, m?.[2] ?? ""), ...(c.allowedTools ? { tools: c.allowedTools } : {}) };
}
