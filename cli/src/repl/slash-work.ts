/** Slash commands that change the conversation or the workspace: /compact, /init, /diff, /plan. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { PLAN_APPROVED, planPrompt } from "../session/plan-mode.ts";
import type { SlashCommand, SlashContext } from "./slash.ts";
import { formatTokens } from "./tool-display.ts";

export const INIT_PROMPT = `Survey this workspace and write an AGENTS.md at its root for coding agents that will work here.
Look at the layout, the package manifests, the build, test, lint and format commands, CI configuration, and any existing contributor docs.
AGENTS.md should hold, briefly: what the project is; the commands to build, test (one test and all), lint and format; the source tree (main folders, one line each); conventions the code follows; anything surprising a newcomer must know.
Only state what you verified in the files. Keep it under 150 lines of Markdown.`;

const INIT_UPDATE =
  "An AGENTS.md exists already: read it first and improve it (fix what is stale, add what is missing) rather than starting over.";

const needPrompt = (ctx: SlashContext, name: string): ((text: string) => Promise<void>) | undefined => {
  if (ctx.runPrompt) return (text) => ctx.runPrompt!(text);
  ctx.print(ctx.style.red(`/${name} needs a conversation to run in`));
  return undefined;
};

export const WORK_COMMANDS: Record<string, SlashCommand> = {
  compact: {
    usage: "/compact [focus]",
    help: "summarise the conversation with the model and continue from the summary (focus: what to keep)",
    async run(arg, ctx) {
      const s = await ctx.session();
      const r = await s.compact(arg.trim() || undefined);
      if (!r) return ctx.print(ctx.style.dim("nothing to compact"));
      const by = r.summarySource === "llm" ? "" : " (the model did not answer: an extract)";
      ctx.print(
        ctx.style.dim(
          `compacted: ${formatTokens(r.beforeTokens)} → ${formatTokens(r.afterTokens)} tokens${by}`,
        ),
      );
    },
  },
  init: {
    usage: "/init",
    help: "ask the model to survey the workspace and write AGENTS.md",
    async run(_arg, ctx) {
      const s = await ctx.session();
      const send = needPrompt(ctx, "init");
      if (!send) return;
      const exists = existsSync(join(s.workspace, "AGENTS.md"));
      await send(exists ? `${INIT_PROMPT}\n\n${INIT_UPDATE}` : INIT_PROMPT);
    },
  },
  diff: {
    usage: "/diff",
    help: "what the agent changed in this thread (from the undo snapshots)",
    async run(_arg, ctx) {
      const s = await ctx.session();
      if (!s.config.git.snapshots)
        return ctx.print(ctx.style.dim("undo snapshots are off ([git] snapshots = false)"));
      const diff = s.diff();
      if (!diff) return ctx.print(ctx.style.dim("no changes by the agent in this thread"));
      for (const line of diff.split("\n")) {
        const paint =
          line.startsWith("+") && !line.startsWith("+++")
            ? ctx.style.green
            : line.startsWith("-") && !line.startsWith("---")
              ? ctx.style.red
              : line.startsWith("# turn") || line.startsWith("@@")
                ? ctx.style.cyan
                : (t: string) => t;
        ctx.print(paint(line));
      }
    },
  },
  plan: {
    usage: "/plan [task|approve|off]",
    help: "plan mode: the model reads and plans, nothing changes until you approve (/plan approve)",
    async run(arg, ctx) {
      const s = await ctx.session();
      const a = arg.trim();
      if (a === "approve" || a === "off") {
        if (!s.planning) return ctx.print(ctx.style.dim("not in plan mode"));
        s.setPlanning(false);
        ctx.print(ctx.style.dim(`plan mode off · permission mode: ${s.permissionMode}`));
        if (a === "approve") await needPrompt(ctx, "plan")?.(PLAN_APPROVED);
        return;
      }
      if (!s.planning) {
        s.setPlanning(true);
        ctx.print(
          ctx.style.dim("plan mode: edits and commands are refused until /plan approve (or /plan off)"),
        );
      } else if (!a)
        return ctx.print(
          ctx.style.dim("in plan mode: /plan approve to carry the plan out, /plan off to leave"),
        );
      if (a) await needPrompt(ctx, "plan")?.(planPrompt(a));
    },
  },
};
