/** `loom mcp test <name>`: starts one configured server as a session would and reports it. */
import type { McpServerConfig } from "@loom/runtime/config/schema";
import { LoomError } from "@loom/runtime/errors";
import { createMcpManager } from "@loom/runtime/mcp/manager";
import { terminalSafe } from "../terminal-safe.ts";

export async function runMcpTest(
  name: string,
  servers: Record<string, McpServerConfig>,
  options: { json: boolean },
): Promise<boolean> {
  const config = servers[name];
  if (!config) {
    const known = Object.keys(servers).join(", ") || "none";
    throw new LoomError("NOT_FOUND", `no MCP server "${name}" configured (configured: ${known})`);
  }
  const manager = createMcpManager({
    servers: { [name]: { ...config, enabled: true } },
    workspace: process.cwd(),
    env: process.env,
  });
  try {
    await manager.settled();
    const info = manager.servers()[0]!;
    const tools = manager.tools();
    let listMs: number | undefined;
    if (info.status === "ready") {
      const started = performance.now();
      await manager.refresh(name);
      listMs = performance.now() - started;
    }
    if (options.json) {
      const out = {
        ...info,
        ...(listMs !== undefined ? { listMs } : {}),
        tools: tools.map((t) => ({
          name: t.name,
          mutating: t.mutating === true,
          description: t.description,
        })),
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else if (info.status !== "ready") {
      process.stdout.write(`${name}: failed: ${terminalSafe(info.error ?? info.status)}\n`);
    } else {
      const ms = (n: number | undefined) => `${Math.round(n ?? 0)} ms`;
      process.stdout.write(
        `${name}: ready in ${ms(info.startMs)} (connect and list tools); tools/list ${ms(listMs)}; ${tools.length} tools\n`,
      );
      for (const t of tools)
        process.stdout.write(`  ${terminalSafe(t.name)}${t.mutating ? "" : "  (read-only)"}\n`);
    }
    return info.status === "ready";
  } finally {
    await manager.close();
  }
}
