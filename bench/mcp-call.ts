/**
 * The cost Loom adds to an MCP tool call: `ev__echo` through Loom's MCP tool (the manager's
 * connection, the SDK call with its signal and timeout, the result rendered for the model) against
 * the same `echo` called directly on an SDK client, both to one server-everything (stdio) each, in
 * the same process, calls interleaved. Goal: the median within 0.2 ms of the direct call.
 */
import { tmpdir } from "node:os";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { createMcpManager } from "../runtime/src/mcp/manager.ts";
import { everything } from "../tests/mcp/_servers.ts";
import { alternate } from "./alternate.ts";
import { type BenchResult, medianOver } from "./types.ts";

const CALLS = 300;
const WARMUP = 30;
const GOAL_MS = 0.2;

export async function run(): Promise<BenchResult[]> {
  const manager = createMcpManager({ servers: { ev: everything() }, workspace: tmpdir(), env: process.env });
  const direct = new Client({ name: "bench", version: "0" });
  const config = everything();
  await direct.connect(
    new StdioClientTransport({ command: config.command!, args: config.args ?? [], stderr: "ignore" }),
  );
  let loom: number[];
  let sdk: number[];
  try {
    await manager.settled();
    const echo = manager.tools().find((t) => t.name === "ev__echo");
    if (!echo) throw new Error(`ev__echo not offered: ${JSON.stringify(manager.servers())}`);
    const ctx = { workspaceRoot: tmpdir(), signal: new AbortController().signal, callId: "bench" };
    const viaLoom = async (): Promise<number> => {
      const t = performance.now();
      await echo.invoke({ message: "hi" }, ctx);
      return performance.now() - t;
    };
    const viaSdk = async (): Promise<number> => {
      const t = performance.now();
      await direct.callTool({ name: "echo", arguments: { message: "hi" } });
      return performance.now() - t;
    };
    [loom, sdk] = await alternate({ runs: CALLS, warmup: WARMUP }, viaLoom, viaSdk);
  } finally {
    await direct.close();
    await manager.close();
  }
  return [
    medianOver({
      name: "MCP tool call through Loom (echo, stdio; median)",
      xs: loom,
      baseline: { name: "the same call on an SDK client", xs: sdk },
      over: "direct SDK call",
      within: GOAL_MS,
    }),
  ];
}
