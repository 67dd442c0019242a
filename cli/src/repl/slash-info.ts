/** Slash commands that show the session's state: /status, /context, /permissions, /sandbox, /login. */
import { VERSION } from "@loom/runtime/version";
import { contextReport } from "../session/context-report.ts";
import type { Session } from "../session/session.ts";
import type { SlashCommand, SlashContext } from "./slash.ts";
import { formatCost, formatTokens } from "./tool-display.ts";

const percent = (part: number, whole: number): string => `${((100 * part) / Math.max(1, whole)).toFixed(1)}%`;

function contextOf(s: Session) {
  return contextReport({
    system: s.system,
    tools: s.tools(),
    messages: s.thread.messages,
    contextWindow: s.contextWindow,
  });
}

function modeLine(s: Session): string {
  return `${s.permissionMode}${s.planning ? " · plan mode (nothing changes until /plan approve)" : ""}`;
}

async function loginStatus(s: Session, ctx: SlashContext): Promise<void> {
  const { readCredentials } = await import("@loom/runtime/sync/credentials");
  const url = s.config.server.url;
  if (url) {
    const who = process.env.LOOM_TOKEN ? "LOOM_TOKEN" : readCredentials(url)?.userId;
    ctx.print(`team server: ${url} · ${who ? `logged in (${who})` : "not logged in"}`);
  } else ctx.print("team server: none (local mode)");
  const key = s.config.providers[s.provider]?.api_key !== undefined;
  ctx.print(`provider ${s.provider}: ${key ? "API key set" : "no API key in config or environment"}`);
  ctx.print(ctx.style.dim("log in to a team server: /login <server-url> <lt_token>"));
}

export const INFO_COMMANDS: Record<string, SlashCommand> = {
  status: {
    usage: "/status",
    help: "version, workspace, thread, model, modes, context, cost, hooks",
    async run(_arg, ctx) {
      const s = await ctx.session();
      const c = contextOf(s);
      const { usage, costUsd, costPartial } = s.cost();
      const hooks = Object.values(s.hookCounts).reduce((a, b) => a + b, 0);
      const rows: Array<[string, string]> = [
        ["loom", VERSION],
        ["workspace", s.workspace],
        [
          "thread",
          `${s.thread.id}${s.thread.isPrivate ? " (private)" : ""} · ${s.thread.messages.length} messages`,
        ],
        ["model", `${s.model} (${s.provider})`],
        ["permissions", modeLine(s)],
        ["sandbox", `${s.sandboxPolicy.mode}, network ${s.sandboxPolicy.network}`],
        [
          "context",
          `${formatTokens(c.total)} of ${formatTokens(c.contextWindow)} (${percent(c.total, c.contextWindow)})`,
        ],
        [
          "usage",
          `${formatTokens(usage.inputTokens)} in · ${formatTokens(usage.outputTokens)} out${costUsd === undefined ? "" : ` · ${formatCost(costUsd, costPartial)}`}`,
        ],
        ["server", s.config.server.url ?? "none (local)"],
        [
          "hooks",
          hooks === 0
            ? "none"
            : `${hooks} (${Object.entries(s.hookCounts)
                .filter(([, n]) => n > 0)
                .map(([e, n]) => `${e} ${n}`)
                .join(", ")})`,
        ],
      ];
      for (const [k, v] of rows) ctx.print(`  ${ctx.style.dim(k.padEnd(12))}${v}`);
    },
  },
  context: {
    usage: "/context",
    help: "what fills the context window",
    async run(_arg, ctx) {
      const s = await ctx.session();
      const c = contextOf(s);
      ctx.print(
        `${formatTokens(c.total)} of ${formatTokens(c.contextWindow)} tokens (${percent(c.total, c.contextWindow)}, estimated)`,
      );
      const bar = 30;
      for (const p of c.parts) {
        const n = Math.round((bar * p.tokens) / Math.max(1, c.contextWindow));
        const fill = `${"█".repeat(Math.min(bar, n))}${"·".repeat(Math.max(0, bar - n))}`;
        ctx.print(
          `  ${ctx.style.cyan(fill)} ${p.label.padEnd(32)} ${formatTokens(p.tokens).padStart(6)}  ${ctx.style.dim(percent(p.tokens, c.contextWindow))}`,
        );
      }
      if (c.largest.length)
        ctx.print(
          ctx.style.dim(
            `  largest: ${c.largest.map((p) => `${p.label} ${formatTokens(p.tokens)}`).join(", ")} · /compact to summarise`,
          ),
        );
    },
  },
  permissions: {
    usage: "/permissions",
    help: "the permission mode, tools allowed always, tools that ask",
    async run(_arg, ctx) {
      const s = await ctx.session();
      ctx.print(`permission mode: ${modeLine(s)} ${ctx.style.dim("(/mode to change, /plan for plan mode)")}`);
      const tools = s.tools();
      const changing = tools.filter((t) => t.mutating).map((t) => t.name);
      const always = [...s.alwaysAllowed];
      const ask = s.permissionMode === "ask" ? changing.filter((t) => !s.alwaysAllowed.has(t)) : [];
      ctx.print(`  allowed always this session: ${always.join(", ") || "none"}`);
      if (s.permissionMode === "ask") ctx.print(`  asks before each call: ${ask.join(", ") || "none"}`);
      ctx.print(
        `  read-only tools (never ask): ${
          tools
            .filter((t) => !t.mutating)
            .map((t) => t.name)
            .join(", ") || "none"
        }`,
      );
      if (s.config.tools.disabled.length)
        ctx.print(`  disabled ([tools] disabled): ${s.config.tools.disabled.join(", ")}`);
      if (s.hookCounts.PreToolUse)
        ctx.print(`  PreToolUse hooks: ${s.hookCounts.PreToolUse} (may refuse any call)`);
    },
  },
  sandbox: {
    usage: "/sandbox",
    help: "the sandbox the agent's commands run in",
    async run(_arg, ctx) {
      const s = await ctx.session();
      const p = s.sandboxPolicy;
      ctx.print(
        `sandbox: ${p.mode} · network ${p.network === "host" ? "the host's" : "none (loopback only)"}`,
      );
      if (p.writable.length) ctx.print(`  also writable: ${p.writable.join(", ")}`);
      if (p.hidden.length) ctx.print(`  hidden: ${p.hidden.join(", ")}`);
      ctx.print(
        ctx.style.dim(
          "  change it with --sandbox read-only|workspace-write|danger-full-access or [sandbox] mode",
        ),
      );
    },
  },
  login: {
    usage: "/login [server token]",
    help: "show credentials; with a server URL and token, log in to a team server",
    async run(arg, ctx) {
      const s = await ctx.session();
      const [server, token] = arg.trim().split(/\s+/).filter(Boolean);
      if (!server) return loginStatus(s, ctx);
      const { loginToServer } = await import("../session/server-login.ts");
      const r = await loginToServer(server, token ?? "");
      ctx.print(`logged in to ${r.base} as ${r.userId} (saved to ${r.path})`);
      if (s.config.server.url === undefined)
        ctx.print(ctx.style.dim("this session stays local; start loom with --server-url to use the server"));
    },
  },
};
