/**
 * MCP servers must not delay the first prompt: a session with three configured servers (two
 * server-everything, one that never answers `initialize`) against one with none, timed from
 * `createSession` to the first model request going out (the agent entering CallingLlm); the turn
 * then runs to its end against the fake upstream. Runs interleaved; goal: the median within 10 ms
 * of the baseline. (The whole turn is slower while two servers load on a small machine: their
 * start-up takes CPU, which is not the prompt waiting for them.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { McpServerConfig } from "@loom/runtime/config/schema";
import { createSession } from "../cli/src/session/session.ts";
import { isolatedEnv } from "../tests/cli/_harness.ts";
import { startFakeUpstream } from "../tests/fixtures/fake-upstream/server.ts";
import { EVERYTHING } from "../tests/mcp/_servers.ts";
import { alternate } from "./alternate.ts";
import { type BenchResult, medianOver } from "./types.ts";

const RUNS = 10;
const WARMUP = 2;
const GOAL_MS = 10;

const SERVERS: Record<string, McpServerConfig> = {
  one: { command: process.execPath, args: [EVERYTHING, "stdio"] },
  two: { command: process.execPath, args: [EVERYTHING, "stdio"] },
  stuck: { command: "sleep", args: ["600"], timeout_ms: 600_000 },
};

export async function run(): Promise<BenchResult[]> {
  const root = mkdtempSync(join(tmpdir(), "loom-bench-mcp-"));
  const workspace = mkdtempSync(join(root, "w-"));
  const turns = Array.from({ length: 2 * (RUNS + WARMUP) }, () => ({ text: "ok" }));
  const upstream = await startFakeUpstream({ script: { turns } });
  const env = { ...isolatedEnv(root), ANTHROPIC_BASE_URL: upstream.url, ANTHROPIC_API_KEY: "k" };
  const once = async (mcpServers: Record<string, McpServerConfig>): Promise<number> => {
    const start = performance.now();
    const session = await createSession({ workspace, env, model: "claude-sonnet-4-6", mcpServers });
    let ms = Number.NaN;
    session.on((e) => {
      if (e.type === "state.changed" && e.to === "CallingLlm" && Number.isNaN(ms))
        ms = performance.now() - start;
    });
    await session.send("hi");
    await session.close();
    return ms;
  };
  let withMcp: number[];
  let without: number[];
  try {
    [withMcp, without] = await alternate(
      { runs: RUNS, warmup: WARMUP },
      () => once(SERVERS),
      () => once({}),
    );
  } finally {
    await upstream.stop();
    rmSync(root, { recursive: true, force: true });
  }
  return [
    medianOver({
      name: "first prompt with 3 MCP servers, one hanging (median)",
      xs: withMcp,
      baseline: { name: "first prompt with no MCP servers", xs: without },
      over: "no MCP servers",
      within: GOAL_MS,
    }),
  ];
}
