/**
 * Keeping requests inside the model's context window. Between turns the session compacts the
 * thread itself (LLM summary, persisted). Within a turn, a long tool loop can still outgrow the
 * window, and the agent offers no hook to rewrite its history; so the LLM client is wrapped: a
 * request over budget is compacted deterministically (prune old tool output, then an extractive
 * summary) on its way out, while the agent's own history stays whole.
 */
import type { LlmClient, LlmRequest } from "@loom/runtime/llm";
import { getModel } from "@loom/runtime/providers/catalogue";
import { type CompactionResult, compactMessages } from "@loom/runtime/threads/compact";
import type { Tool } from "@loom/runtime/tool";

export const DEFAULT_CONTEXT_WINDOW = 128_000;

export interface Budget {
  contextWindow: number;
  reserveTokens: number;
  systemChars: number;
}

export function budgetFor(model: string, tools: readonly Tool[], systemChars: number): Budget {
  const info = getModel(model);
  const toolChars = JSON.stringify(tools.map((t) => [t.name, t.description, t.inputSchema])).length;
  return {
    contextWindow: info?.contextWindow ?? DEFAULT_CONTEXT_WINDOW,
    reserveTokens: Math.min(info?.maxOutputTokens ?? 8192, 32_000) + Math.ceil(toolChars / 4),
    systemChars,
  };
}

/** Wraps `llm` so no request leaves over budget; `onCompacted` hears about each one that was cut. */
export function budgetedLlm(
  llm: LlmClient,
  budget: () => Budget,
  onCompacted: (r: CompactionResult) => void,
): LlmClient {
  const fit = async (req: LlmRequest): Promise<LlmRequest> => {
    const r = await compactMessages(req.messages, budget());
    if (r.stage === "none") return req;
    onCompacted(r);
    return { ...req, messages: r.messages };
  };
  return {
    provider: llm.provider,
    complete: async (req, signal) => llm.complete(await fit(req), signal),
    async *stream(req, signal) {
      yield* llm.stream(await fit(req), signal);
    },
  };
}
