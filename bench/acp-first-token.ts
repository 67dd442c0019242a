/**
 * `loom acp-agent` as an editor sees it: time from `session/prompt` to the first
 * `agent_message_chunk` (model = local fake upstream); cold start is acp-cold-start.ts. Baseline for
 * the prompt figure: the Anthropic SDK streaming from the same upstream in this process, so the
 * difference is what ACP, the session, the agent machine and the stdio hop add.
 * Peers (published, mock provider): first token Codex 39 ms, opencode server 99 ms.
 */

import { methods } from "@agentclientprotocol/sdk";
import Anthropic from "@anthropic-ai/sdk";
import { createSandbox, startAgent } from "../tests/acp/harness.ts";
import { type BenchResult, medianOver } from "./types.ts";

const PROMPTS = 20;
const OVERHEAD_GOAL_MS = 10;

export async function run(): Promise<BenchResult[]> {
  const sb = await createSandbox({
    turns: [{ text: ["Hello", " from", " the", " fake", " upstream."] }],
    onExhausted: "repeat",
  });
  try {
    const sdk = new Anthropic({
      apiKey: "bench-key",
      baseURL: sb.upstream.url,
      maxRetries: 0,
      logLevel: "off",
    });
    const direct = async (): Promise<number> => {
      const t = performance.now();
      let first = 0;
      const stream = await sdk.messages.create({
        model: "claude-sonnet-4-6",
        max_tokens: 8192,
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
      });
      for await (const e of stream)
        if (e.type === "content_block_delta" && !first) first = performance.now() - t;
      return first;
    };

    const a = await startAgent(sb);
    const viaAcp: number[] = [];
    const viaSdk: number[] = [];
    try {
      for (let i = 0; i < PROMPTS + 2; i++) {
        const { sessionId } = await a.agent.request(methods.agent.session.new, {
          cwd: sb.workspace,
          mcpServers: [],
        });
        const before = a.updates.length;
        const t = performance.now();
        const first = a.waitFor(
          (u) =>
            u.sessionUpdate === "agent_message_chunk" && a.updates.findIndex((n) => n.update === u) >= before,
        );
        const done = a.agent.request(methods.agent.session.prompt, {
          sessionId,
          prompt: [{ type: "text", text: "Hi" }],
        });
        await first;
        const ms = performance.now() - t;
        await done;
        const sdkMs = await direct();
        if (i >= 2) {
          viaAcp.push(ms);
          viaSdk.push(sdkMs);
        }
      }
    } finally {
      await a.close();
    }
    return [
      medianOver({
        name: "ACP session/prompt to first agent_message_chunk (median)",
        xs: viaAcp,
        baseline: { name: "direct @anthropic-ai/sdk first delta", xs: viaSdk },
        over: "direct SDK",
        within: OVERHEAD_GOAL_MS,
      }),
    ];
  } finally {
    await sb.cleanup();
  }
}
