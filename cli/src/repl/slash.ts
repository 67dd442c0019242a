/** The REPL's slash commands. */
import { didYouMean } from "@loom/runtime/did-you-mean";
import { formatError } from "@loom/runtime/errors";
import { MODELS } from "@loom/runtime/providers/catalogue";
import type { CustomCommand } from "../session/custom-commands.ts";
import { parsePermissionMode } from "../session/permissions.ts";
import type { Session } from "../session/session.ts";
import { customSlashCommand } from "./slash-custom.ts";
import { INFO_COMMANDS } from "./slash-info.ts";
import { WORK_COMMANDS } from "./slash-work.ts";
import type { Style } from "./style.ts";
import { formatCost, formatTokens } from "./tool-display.ts";
import { wrapWords } from "./wrap.ts";

export interface SlashContext {
  session(): Promise<Session>;
  print(line: string): void;
  style: Style;
  exit(): void;
  /** Prints the end of a resumed conversation. */
  showThread(session: Session): void;
  /** The terminal's width in columns (default 80). */
  width?(): number;
  /**
   * Runs `text` as a user turn, as if typed (rendered like one); `tools` limits the turn's tools.
   * Absent where a command cannot start a turn (ACP commands answer with text only).
   */
  runPrompt?(text: string, options?: { tools?: readonly string[] }): Promise<void>;
}

export interface SlashCommand {
  usage: string;
  help: string;
  /** A user's own command (a Markdown file), not a built-in. */
  custom?: boolean;
  run(arg: string, ctx: SlashContext): Promise<void> | void;
}

const age = (iso: string): string => {
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 90) return `${Math.round(s)}s ago`;
  if (s < 5400) return `${Math.round(s / 60)}m ago`;
  if (s < 129_600) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
};

export const SLASH_COMMANDS: Record<string, SlashCommand> = {
  help: {
    usage: "/help",
    help: "this list",
    run(_arg, ctx) {
      const width = widthOf(ctx);
      const commands = Object.values(SLASH_COMMANDS);
      // The usage column fits the longest usage (`/mode [ask|auto|read-only]`); help wraps under itself.
      const column = Math.max(...commands.map((c) => c.usage.length)) + 4;
      const pad = " ".repeat(column);
      for (const c of commands) {
        const [first = "", ...more] = wrapWords(c.help, Math.max(20, width - column), "");
        ctx.print(`  ${c.usage.padEnd(column - 2)}${ctx.style.dim(first)}`);
        for (const line of more) ctx.print(`${pad}${ctx.style.dim(line)}`);
      }
      const notes = [
        "End a line with \\ to continue it.",
        "Ctrl-C cancels a turn; Ctrl-C on an empty prompt or Ctrl-D exits.",
      ];
      for (const note of notes)
        for (const line of wrapWords(note, width - 2, "")) ctx.print(ctx.style.dim(`  ${line}`));
    },
  },
  new: {
    usage: "/new",
    help: "start a new thread",
    async run(_arg, ctx) {
      const s = await ctx.session();
      s.save();
      const t = s.newThread();
      ctx.print(ctx.style.dim(`new thread ${t.id}`));
    },
  },
  threads: {
    usage: "/threads",
    help: "recent threads of this workspace",
    async run(_arg, ctx) {
      const s = await ctx.session();
      const list = s.store.list({ workspace: s.workspace, limit: 15 });
      if (list.length === 0) ctx.print(ctx.style.dim("no saved threads in this workspace"));
      for (const t of list) {
        const mark = t.id === s.thread.id ? "*" : " ";
        ctx.print(`${mark} ${t.id}  ${ctx.style.dim(age(t.updatedAt).padEnd(8))} ${t.title}`);
      }
    },
  },
  resume: {
    usage: "/resume [id]",
    help: "continue a thread (default: the latest other one here)",
    async run(arg, ctx) {
      const s = await ctx.session();
      let id = arg.trim();
      if (!id) {
        const other = s.store.list({ workspace: s.workspace }).find((t) => t.id !== s.thread.id);
        if (!other) return ctx.print(ctx.style.dim("no other thread in this workspace"));
        id = other.id;
      }
      s.save();
      s.switchThread(id);
      ctx.showThread(s);
    },
  },
  model: {
    usage: "/model [id]",
    help: "show or switch the model",
    async run(arg, ctx) {
      const s = await ctx.session();
      const id = arg.trim();
      if (id) {
        await s.setModel(id);
        ctx.print(ctx.style.dim(`model: ${s.model} (${s.provider})`));
        return;
      }
      ctx.print(`model: ${s.model} (${s.provider}), context ${formatTokens(s.contextWindow)} tokens`);
      const same = MODELS.filter((m) => m.provider === s.provider && m.id !== s.model).map((m) => m.id);
      if (same.length)
        for (const line of wrapWords(`also: ${same.join(", ")}`, widthOf(ctx) - 2, "      "))
          ctx.print(ctx.style.dim(`  ${line}`));
    },
  },
  mode: {
    usage: "/mode [ask|auto|read-only]",
    help: "show or change the permission mode",
    async run(arg, ctx) {
      const s = await ctx.session();
      const next = arg.trim();
      if (next) {
        const mode = parsePermissionMode(next);
        if (!mode) return ctx.print(ctx.style.red("mode must be ask, auto or read-only"));
        s.setPermissionMode(mode);
      }
      ctx.print(ctx.style.dim(`permission mode: ${s.permissionMode}`));
    },
  },
  undo: {
    usage: "/undo [list]",
    help: "revert the files changed in the last turn (again to go further back)",
    async run(arg, ctx) {
      const s = await ctx.session();
      if (arg.trim() === "list") {
        const entries = s.undoList();
        if (entries.length === 0) ctx.print(ctx.style.dim("nothing to undo"));
        for (const e of entries)
          ctx.print(
            `  turn ${e.turn}  ${ctx.style.dim(e.files.map((f) => `${f.status} ${f.path}`).join(", "))}  ${e.summary}`,
          );
        return;
      }
      const r = s.undo({ force: arg.trim() === "force" });
      if (r.conflicts.length > 0) {
        ctx.print(
          ctx.style.yellow(
            `changed since the agent edited them: ${r.conflicts.join(", ")}; /undo force to revert anyway`,
          ),
        );
        return;
      }
      ctx.print(
        `reverted turn ${r.entry.turn}: ${[...r.restored, ...r.removed.map((p) => `${p} (removed)`)].join(", ")}`,
      );
    },
  },
  cost: {
    usage: "/cost",
    help: "tokens and cost of this thread",
    async run(_arg, ctx) {
      const s = await ctx.session();
      const { usage, costUsd, costPartial } = s.cost();
      const cost = costUsd === undefined ? "cost unknown for this model" : formatCost(costUsd, costPartial);
      ctx.print(`${formatTokens(usage.inputTokens)} in · ${formatTokens(usage.outputTokens)} out · ${cost}`);
    },
  },
  ...WORK_COMMANDS,
  ...INFO_COMMANDS,
  exit: {
    usage: "/exit",
    help: "save and quit",
    run(_arg, ctx) {
      ctx.exit();
    },
  },
};

const widthOf = (ctx: SlashContext): number => Math.max(40, ctx.width?.() || 80);

/**
 * Adds the user's Markdown commands to the registry (so `/help`, completion and the dispatcher see
 * them); a built-in keeps its name. Returns a line for each file skipped.
 */
export function registerCustomCommands(commands: readonly CustomCommand[]): string[] {
  const skipped: string[] = [];
  for (const c of commands) {
    const existing = SLASH_COMMANDS[c.name];
    if ((existing && !existing.custom) || c.name === "quit") {
      skipped.push(`${c.path}: /${c.name} is a built-in command; skipped`);
      continue;
    }
    SLASH_COMMANDS[c.name] = customSlashCommand(c);
  }
  return skipped;
}

export async function runSlash(line: string, ctx: SlashContext): Promise<void> {
  const [word = "", ...rest] = line.slice(1).split(" ");
  const name = word === "quit" ? "exit" : word;
  const cmd = SLASH_COMMANDS[name];
  if (!cmd) {
    const guess = didYouMean(word, [...Object.keys(SLASH_COMMANDS), "quit"], (c) => `/${c}`);
    ctx.print(ctx.style.red(`unknown command /${word}${guess} (see /help)`));
    return;
  }
  try {
    await cmd.run(rest.join(" "), ctx);
  } catch (e) {
    ctx.print(ctx.style.red(formatError(e)));
  }
}
