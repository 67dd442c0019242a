/**
 * `loom mcp list|add|remove|test|serve`: the MCP servers Loom uses as tool sources (in the user's
 * config, `[mcp.servers.<name>]`), and Loom's own tools offered as an MCP server.
 */
import { defineCommand } from "citty";
import { ExitError, UsageError } from "../cli.ts";

const nameArg = { name: { type: "positional", description: "Server name", required: true } } as const;

/** `KEY=VALUE` flags (repeatable) as a table. */
function pairs(values: unknown, flag: string): Record<string, string> {
  const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
  const out: Record<string, string> = {};
  for (const v of list) {
    const text = String(v);
    const eq = text.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag} takes KEY=VALUE, got "${text}"`);
    out[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return out;
}

async function loadServers() {
  const { loadConfig } = await import("@loom/runtime/config");
  return loadConfig({ workspace: process.cwd(), env: process.env }).config.mcp.servers;
}

const list = defineCommand({
  meta: {
    name: "list",
    description: "List the configured MCP servers (env and header values are not shown)",
  },
  args: { json: { type: "boolean", description: "Print JSON" } },
  async run({ args }) {
    const servers = await loadServers();
    const { mcpOAuthFile } = await import("@loom/runtime/mcp/oauth-store");
    const { existsSync } = await import("node:fs");
    const rows = Object.entries(servers).map(([name, s]) => ({
      name,
      transport: s.command ? "stdio" : "http",
      target: s.command ? [s.command, ...(s.args ?? [])].join(" ") : (s.url ?? ""),
      enabled: s.enabled !== false,
      envKeys: Object.keys(s.env ?? {}),
      headerKeys: Object.keys(s.headers ?? {}),
      ...(s.tools?.allow ? { allow: s.tools.allow } : {}),
      ...(s.tools?.deny?.length ? { deny: s.tools.deny } : {}),
      ...(s.url && existsSync(mcpOAuthFile(name, process.env)) ? { oauth: "logged in" } : {}),
    }));
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ servers: rows }, null, 2)}\n`);
      return;
    }
    if (rows.length === 0) {
      process.stdout.write("no MCP servers configured; add one: loom mcp add <name> -- <command> [args…]\n");
      return;
    }
    for (const r of rows) {
      const off = r.enabled ? "" : "  (disabled)";
      const oauth = r.oauth ? "  (OAuth: logged in)" : "";
      process.stdout.write(`${r.name}  ${r.transport}  ${r.target}${off}${oauth}\n`);
    }
  },
});

const add = defineCommand({
  meta: {
    name: "add",
    description: "Add an MCP server to your config: a command after --, or --url for a remote one",
  },
  args: {
    ...nameArg,
    url: { type: "string", description: "Streamable HTTP (or SSE) endpoint" },
    env: { type: "string", description: `KEY=VALUE for a stdio server (repeatable; \${VAR} reads your env)` },
    header: { type: "string", description: `KEY=VALUE HTTP header (repeatable; \${VAR} reads your env)` },
    "timeout-ms": { type: "string", description: "Start-up and per-call timeout (default 30000)" },
  },
  async run({ args, rawArgs }) {
    const { userConfigFile } = await import("@loom/runtime/paths");
    const { addMcpServer } = await import("../mcp/config-file.ts");
    const dash = rawArgs.indexOf("--");
    const command = dash >= 0 ? rawArgs.slice(dash + 1) : [];
    const timeout = args["timeout-ms"] === undefined ? undefined : Number(args["timeout-ms"]);
    if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0))
      throw new UsageError("--timeout-ms takes a positive integer");
    const file = userConfigFile(process.env);
    addMcpServer(file, args.name, {
      ...(command[0] ? { command: command[0], args: command.slice(1) } : {}),
      ...(args.url ? { url: args.url } : {}),
      env: pairs(args.env, "--env"),
      headers: pairs(args.header, "--header"),
      ...(timeout !== undefined ? { timeout_ms: timeout } : {}),
    });
    process.stdout.write(`added MCP server ${args.name} to ${file}; check it: loom mcp test ${args.name}\n`);
  },
});

const remove = defineCommand({
  meta: { name: "remove", description: "Remove an MCP server from your config" },
  args: nameArg,
  async run({ args }) {
    const { userConfigFile } = await import("@loom/runtime/paths");
    const { removeMcpServer } = await import("../mcp/config-file.ts");
    const file = userConfigFile(process.env);
    removeMcpServer(file, args.name);
    process.stdout.write(`removed MCP server ${args.name} from ${file}\n`);
  },
});

const test = defineCommand({
  meta: { name: "test", description: "Connect to one MCP server, list its tools and show how long it took" },
  args: { ...nameArg, json: { type: "boolean", description: "Print JSON" } },
  async run({ args }) {
    const { runMcpTest } = await import("../mcp/test-server.ts");
    const ok = await runMcpTest(args.name, await loadServers(), { json: args.json === true });
    if (!ok) throw new ExitError(1);
  },
});

const login = defineCommand({
  meta: {
    name: "login",
    description:
      "Authorize Loom with a remote MCP server by OAuth (prints a URL to open; waits for the redirect)",
  },
  args: {
    ...nameArg,
    port: { type: "string", description: "Loopback port for the redirect (default: any free one)" },
  },
  async run({ args }) {
    const port = args.port === undefined ? undefined : Number(args.port);
    if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536))
      throw new UsageError("--port takes a port number");
    const { runMcpLogin } = await import("../mcp/login.ts");
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once("SIGINT", onSignal);
    try {
      await runMcpLogin(args.name, await loadServers(), {
        ...(port !== undefined ? { port } : {}),
        signal: controller.signal,
        out: (line) => process.stdout.write(`${line}\n`),
      });
    } finally {
      process.off("SIGINT", onSignal);
    }
  },
});

const logout = defineCommand({
  meta: { name: "logout", description: "Forget the OAuth tokens saved for a remote MCP server" },
  args: nameArg,
  async run({ args }) {
    const { removeMcpOAuth } = await import("@loom/runtime/mcp/oauth-store");
    const had = removeMcpOAuth(args.name, process.env);
    process.stdout.write(
      had ? `logged out of MCP server ${args.name}\n` : `no saved login for MCP server ${args.name}\n`,
    );
  },
});

const serve = defineCommand({
  meta: {
    name: "serve",
    description: "Offer Loom's tools (built-ins and plugins, workspace-confined) as an MCP server on stdio",
  },
  args: {
    workspace: {
      type: "string",
      description: "The workspace the tools work in (default: the current directory)",
    },
    "permission-mode": {
      type: "string",
      description:
        "ask (the client is asked, by elicitation), auto, or read-only (default: [agent] permission_mode)",
    },
    http: { type: "string", description: "Serve streamable HTTP on 127.0.0.1:PORT at /mcp instead of stdio" },
    sandbox: {
      type: "string",
      description:
        "read-only | workspace-write | danger-full-access: where commands (bash) run (default: [sandbox] mode, else workspace-write)",
    },
  },
  async run({ args }) {
    const { startMcpServe } = await import("../mcp/serve-command.ts");
    await startMcpServe({
      ...(args.workspace ? { workspace: args.workspace } : {}),
      ...(args["permission-mode"] ? { permissionMode: args["permission-mode"] } : {}),
      ...(args.http !== undefined ? { http: args.http } : {}),
      ...(args.sandbox !== undefined ? { sandbox: args.sandbox } : {}),
    });
  },
});

export default defineCommand({
  meta: { name: "mcp", description: "Manage MCP servers (tool sources) and serve Loom's tools over MCP" },
  subCommands: { list, add, remove, test, login, logout, serve },
});
