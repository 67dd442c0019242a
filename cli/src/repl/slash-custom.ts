/** A user's Markdown command (session/custom-commands.ts) as a slash command: its prompt runs as a turn. */
import { type CustomCommand, expandCommand } from "../session/custom-commands.ts";
import { terminalSafe } from "../terminal-safe.ts";
import type { SlashCommand } from "./slash.ts";

export function customSlashCommand(c: CustomCommand): SlashCommand {
  return {
    // A workspace's commands come with the repository: their words are shown, never their escapes.
    usage: `/${terminalSafe(c.name)}${c.argumentHint ? ` ${terminalSafe(c.argumentHint)}` : ""}`,
    help: `${terminalSafe(c.description) || "(no description)"} (${c.source === "workspace" ? ".loom/commands" : "~/.config/loom/commands"})`,
    custom: true,
    async run(arg, ctx) {
      if (!ctx.runPrompt) return ctx.print(ctx.style.red(`/${c.name} cannot run here`));
      await ctx.runPrompt(expandCommand(c, arg), c.allowedTools ? { tools: c.allowedTools } : {});
    },
  };
}
