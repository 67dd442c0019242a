/** The real MCP servers the tests run (npm devDependencies of @loom/tests), as config entries. */
import { join } from "node:path";
import type { McpServerConfig } from "@loom/runtime/config/schema";

const MODULES = join(import.meta.dir, "..", "..", "node_modules", "@modelcontextprotocol");
export const EVERYTHING = join(MODULES, "server-everything", "dist", "index.js");
export const FILESYSTEM = join(MODULES, "server-filesystem", "dist", "index.js");

export function serverConfig(fields: Partial<McpServerConfig>): McpServerConfig {
  return {
    args: [],
    env: {},
    headers: {},
    enabled: true,
    timeout_ms: 30_000,
    tools: { deny: [] },
    ...fields,
  };
}

/** server-everything over stdio, run by the same Bun. */
export const everything = (fields: Partial<McpServerConfig> = {}): McpServerConfig =>
  serverConfig({ command: process.execPath, args: [EVERYTHING, "stdio"], ...fields });

/** server-filesystem over stdio, confined to `dir`. */
export const filesystem = (dir: string, fields: Partial<McpServerConfig> = {}): McpServerConfig =>
  serverConfig({ command: process.execPath, args: [FILESYSTEM, dir], ...fields });

/** A command that starts and never answers `initialize`. */
export const hanging = (fields: Partial<McpServerConfig> = {}): McpServerConfig =>
  serverConfig({ command: "sleep", args: ["600"], ...fields });
