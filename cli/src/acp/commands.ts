/**
 * The REPL's slash commands an editor can use (`available_commands_update`): a prompt that is
 * `/name [arg]` for one of them runs it instead of going to the model. `/model` and `/mode` act
 * like the session's config options; `/undo` and `/cost` run the REPL's own code (engine).
 * Thread switching (`/new`, `/resume`, `/threads`) and `/exit` belong to the editor's session UI.
 */
import type * as acp from "@agentclientprotocol/sdk";
import { SLASH_COMMANDS } from "../repl/slash.ts";

export const COMMANDS = ["model", "mode", "undo", "cost"] as const;
export type CommandName = (typeof COMMANDS)[number];

export function availableCommands(): acp.AvailableCommand[] {
  return COMMANDS.map((name) => {
    const c = SLASH_COMMANDS[name];
    if (!c) throw new Error(`no REPL command /${name}`);
    // "/model [id]" → the hint "id"; "/cost" takes nothing.
    const hint = /\[(.+)\]/.exec(c.usage)?.[1];
    return { name, description: c.help, ...(hint ? { input: { hint } } : {}) };
  });
}

/** `/name arg` for a published command, else `undefined` (the text goes to the model). */
export function parseCommand(text: string): { name: CommandName; arg: string } | undefined {
  const m = /^\/([a-z-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  const name = COMMANDS.find((c) => c === m?.[1]);
  return name ? { name, arg: (m?.[2] ?? "").trim() } : undefined;
}
