/**
 * `loom mcp add` and `remove` edit the user's config file as text, so its comments and layout
 * survive: a server is one `[mcp.servers.<name>]` table (with its `.tools` sub-table), appended or
 * cut out. The result is parsed before it is written; the write is atomic.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { LoomError } from "@loom/runtime/errors";

export interface McpServerEntry {
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  url?: string;
  headers?: Record<string, string>;
  timeout_ms?: number;
}

const NAME = /^[A-Za-z0-9_-]+$/;

type Servers = Record<string, unknown>;

function servers(text: string, file: string): Servers {
  try {
    const parsed = Bun.TOML.parse(text) as { mcp?: { servers?: Servers } };
    return parsed.mcp?.servers ?? {};
  } catch (e) {
    throw new LoomError("CONFIG_PARSE", `${file}: ${(e as Error).message.split("\n")[0]}`);
  }
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

const str = (s: string) => JSON.stringify(s);
const inlineTable = (o: Record<string, string>) =>
  `{ ${Object.entries(o)
    .map(([k, v]) => `${NAME.test(k) ? k : str(k)} = ${str(v)}`)
    .join(", ")} }`;

export function tableText(name: string, entry: McpServerEntry): string {
  const lines = [`[mcp.servers.${name}]`];
  if (entry.command) lines.push(`command = ${str(entry.command)}`);
  if (entry.args?.length) lines.push(`args = [${entry.args.map(str).join(", ")}]`);
  if (entry.env && Object.keys(entry.env).length) lines.push(`env = ${inlineTable(entry.env)}`);
  if (entry.url) lines.push(`url = ${str(entry.url)}`);
  if (entry.headers && Object.keys(entry.headers).length)
    lines.push(`headers = ${inlineTable(entry.headers)}`);
  if (entry.timeout_ms !== undefined) lines.push(`timeout_ms = ${entry.timeout_ms}`);
  return `${lines.join("\n")}\n`;
}

export function addMcpServer(file: string, name: string, entry: McpServerEntry): void {
  if (!NAME.test(name))
    throw new LoomError("INVALID_INPUT", `server name "${name}": use letters, digits, - and _`);
  if (!entry.command === !entry.url) {
    throw new LoomError(
      "INVALID_INPUT",
      "give a command (loom mcp add <name> -- <command> [args…]) or --url, not both",
    );
  }
  if (entry.url !== undefined && !isHttpUrl(entry.url))
    throw new LoomError("INVALID_INPUT", `--url must be an http:// or https:// URL, got ${entry.url}`);
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (name in servers(existing, file)) {
    throw new LoomError(
      "CONFLICT",
      `${file} already has MCP server "${name}"; remove it first: loom mcp remove ${name}`,
    );
  }
  const text = `${existing}${existing && !existing.endsWith("\n") ? "\n" : ""}${existing ? "\n" : ""}${tableText(name, entry)}`;
  servers(text, file);
  write(file, text);
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** Header of a table (`[a.b]`, not `[[a]]`), as its dotted key; undefined for other lines. */
function tableKey(line: string): string | undefined {
  const m = /^\s*\[(?!\[)\s*([^\]]+?)\s*\]\s*(#.*)?$/.exec(line);
  return m?.[1]?.replace(/\s*\.\s*/g, ".").replace(/"([A-Za-z0-9_-]+)"/g, "$1");
}

export function removeMcpServer(file: string, name: string): void {
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (!(name in servers(existing, file))) {
    throw new LoomError("NOT_FOUND", `no MCP server "${name}" in ${file}`);
  }
  const own = `mcp.servers.${name}`;
  const kept: string[] = [];
  let inside = false;
  for (const line of existing.split("\n")) {
    const key = tableKey(line);
    if (key !== undefined) inside = key === own || key.startsWith(`${own}.`);
    if (!inside) kept.push(line);
  }
  const text = kept.join("\n").replace(/\n{3,}/g, "\n\n");
  if (name in servers(text, file)) {
    throw new LoomError(
      "INVALID_INPUT",
      `MCP server "${name}" is not written as its own [${own}] table in ${file}; remove it there by hand`,
    );
  }
  write(file, text);
}
