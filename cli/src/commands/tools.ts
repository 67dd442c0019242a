/**
 * `loom tools list` and `loom tools call <tool> '<json>'`: any registered tool, run directly in the
 * current workspace. `call` prints the tool's JSON output; on a tool error it prints one line to
 * stderr and exits 1.
 */
import { formatError } from "@loom/runtime/errors";
import type { Tool } from "@loom/runtime/tool";
import { defineCommand } from "citty";
import { ExitError, UsageError } from "../cli.ts";
import { sandboxModeArg } from "../session/from-args.ts";
import { terminalSafe } from "../terminal-safe.ts";
import { workspaceRegistry } from "./plugin-env.ts";
import { directCallSandbox } from "./tool-sandbox.ts";
import { type ToolRow, toolTable } from "./tool-table.ts";
import { invokeWithTimeout } from "./tool-timeout.ts";

const list = defineCommand({
  meta: {
    name: "list",
    description:
      "List every tool the agent can use, with the plugin (or MCP server, mcp:<name>) that provides it",
  },
  args: {
    json: { type: "boolean", description: "Print JSON" },
    mcp: {
      type: "boolean",
      default: true,
      description: "Start the configured MCP servers and list their tools too (--no-mcp skips them)",
    },
  },
  async run({ args }) {
    const { root, registry, config } = await workspaceRegistry();
    try {
      const row = (t: Tool) => ({
        name: t.name,
        plugin: t.source ?? "",
        mutating: t.mutating === true,
        description: t.description.split("\n")[0] ?? "",
      });
      const rows: Array<ToolRow & { server?: string }> = registry.tools.map(row);
      const conflicts = [...registry.conflicts];
      if (args.mcp) {
        const { listMcpTools } = await import("../mcp/list-tools.ts");
        const mcpTools = await listMcpTools(config.mcp.servers, {
          workspace: root,
          env: process.env,
          onWarning: (w) => process.stderr.write(`loom: ${terminalSafe(w)}\n`),
        });
        // As in a session: a name a built-in or plugin already has stays theirs; [tools] disabled applies.
        for (const t of mcpTools.filter((m) => !config.tools.disabled.includes(m.name))) {
          const kept = registry.get(t.name);
          if (kept) conflicts.push({ tool: t.name, kept: kept.source ?? "", dropped: t.source ?? "" });
          else rows.push({ ...row(t), server: (t.source ?? "").replace(/^mcp:/, "") });
        }
      }
      if (args.json) {
        process.stdout.write(`${JSON.stringify({ tools: rows, conflicts }, null, 2)}\n`);
        return;
      }
      for (const line of toolTable(rows)) process.stdout.write(`${line}\n`);
      for (const c of conflicts) {
        process.stdout.write(`clash: ${c.tool} kept from ${c.kept}, not from ${c.dropped}\n`);
      }
    } finally {
      registry.close();
    }
  },
});

const call = defineCommand({
  meta: { name: "call", description: `Run one tool: loom tools call read_file '{"path":"README.md"}'` },
  args: {
    tool: { type: "positional", description: "Tool name", required: true },
    input: { type: "positional", description: "JSON input ('-' reads stdin; default {})", required: false },
    sandbox: {
      type: "string",
      description:
        "read-only | workspace-write | danger-full-access: where a command runs (default: [sandbox] mode, else workspace-write)",
    },
  },
  async run({ args }) {
    const raw = args.input === "-" ? await Bun.stdin.text() : (args.input ?? "{}");
    if (!raw.trim())
      throw new UsageError(args.input === "-" ? "no JSON input on stdin" : "the input is empty");
    let input: unknown;
    try {
      input = JSON.parse(raw);
    } catch (e) {
      throw new UsageError(`the input is not valid JSON: ${formatError(e)}`);
    }
    const sandboxMode = args.sandbox !== undefined ? sandboxModeArg(args.sandbox) : undefined;
    const { root, registry, config } = await workspaceRegistry();
    try {
      const sandbox = directCallSandbox(config, process.env, sandboxMode);
      const tool = registry.get(args.tool);
      if (!tool) throw new UsageError(`no tool '${args.tool}' (see \`loom tools list\`)`);
      // Ctrl-C cancels the call (the tool kills what it started); a second one exits at once.
      const cancel = new AbortController();
      let interrupted = false;
      const onSigint = () => {
        if (interrupted) process.exit(130);
        interrupted = true;
        cancel.abort();
      };
      process.on("SIGINT", onSigint);
      const result = await invokeWithTimeout(tool, input, {
        workspaceRoot: root,
        cancel: cancel.signal,
        sandbox,
      }).finally(() => process.off("SIGINT", onSigint));
      if (interrupted) {
        process.stderr.write(`loom: ${args.tool} cancelled\n`);
        throw new ExitError(130);
      }
      if (result.isError) {
        const o = result.output as { code?: string; message?: string } | string;
        if (typeof o === "object" && o !== null && !o.code) {
          // A structured result (bash's exit, signal and output): the data on stdout, as on success.
          process.stdout.write(`${JSON.stringify(o, null, 2)}\n`);
          process.stderr.write(`loom: ${args.tool} failed (its result is on stdout)\n`);
          throw new ExitError(1);
        }
        const line = typeof o === "string" ? o : `${o.code}: ${o.message}`;
        process.stderr.write(`loom: ${args.tool} failed: ${terminalSafe(line.split("\n")[0] ?? "")}\n`);
        throw new ExitError(1);
      }
      process.stdout.write(`${JSON.stringify(result.output, null, 2)}\n`);
    } finally {
      registry.close();
    }
  },
});

export default defineCommand({
  meta: { name: "tools", description: "List the registered tools, or call one directly" },
  subCommands: { list, call },
});
