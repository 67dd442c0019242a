/**
 * Known models: context window, output limit and list price, so the agent can budget context
 * and report cost. Prices are USD per million tokens (public list prices; check the provider's
 * pricing page before relying on them). `Usage.inputTokens` counts uncached input only, so cached
 * reads and cache writes are priced separately.
 */
import type { Usage } from "../llm.ts";

export type ModelProvider = "anthropic" | "openai" | "vertex";

export interface ModelInfo {
  id: string;
  provider: ModelProvider;
  contextWindow: number;
  maxOutputTokens: number;
  /** USD per million input tokens. */
  inputPrice: number;
  /** USD per million output tokens. */
  outputPrice: number;
  /** USD per million cached input tokens read; defaults to `inputPrice`. */
  cacheReadPrice?: number;
  /** USD per million tokens written to the cache; defaults to `inputPrice`. */
  cacheWritePrice?: number;
}

const anthropic = (id: string, ctx: number, out: number, input: number, output: number): ModelInfo => ({
  id,
  provider: "anthropic",
  contextWindow: ctx,
  maxOutputTokens: out,
  inputPrice: input,
  outputPrice: output,
  cacheReadPrice: input * 0.1,
  cacheWritePrice: input * 1.25,
});

const openai = (
  id: string,
  ctx: number,
  out: number,
  input: number,
  output: number,
  cached: number,
): ModelInfo => ({
  id,
  provider: "openai",
  contextWindow: ctx,
  maxOutputTokens: out,
  inputPrice: input,
  outputPrice: output,
  cacheReadPrice: cached,
});

const gemini = (id: string, out: number, input: number, output: number): ModelInfo => ({
  id,
  provider: "vertex",
  contextWindow: 1_048_576,
  maxOutputTokens: out,
  inputPrice: input,
  outputPrice: output,
  cacheReadPrice: input * 0.25,
});

export const MODELS: readonly ModelInfo[] = [
  anthropic("claude-opus-4-5", 200_000, 64_000, 5, 25),
  anthropic("claude-opus-4-1", 200_000, 32_000, 15, 75),
  anthropic("claude-opus-4", 200_000, 32_000, 15, 75),
  anthropic("claude-sonnet-4-5", 200_000, 64_000, 3, 15),
  anthropic("claude-sonnet-4", 200_000, 64_000, 3, 15),
  anthropic("claude-3-7-sonnet", 200_000, 64_000, 3, 15),
  anthropic("claude-haiku-4-5", 200_000, 64_000, 1, 5),
  anthropic("claude-3-5-haiku", 200_000, 8_192, 0.8, 4),
  openai("gpt-5.1", 400_000, 128_000, 1.25, 10, 0.125),
  openai("gpt-5", 400_000, 128_000, 1.25, 10, 0.125),
  openai("gpt-5-mini", 400_000, 128_000, 0.25, 2, 0.025),
  openai("gpt-5-nano", 400_000, 128_000, 0.05, 0.4, 0.005),
  openai("gpt-4.1", 1_047_576, 32_768, 2, 8, 0.5),
  openai("gpt-4.1-mini", 1_047_576, 32_768, 0.4, 1.6, 0.1),
  openai("gpt-4.1-nano", 1_047_576, 32_768, 0.1, 0.4, 0.025),
  openai("gpt-4o", 128_000, 16_384, 2.5, 10, 1.25),
  openai("gpt-4o-mini", 128_000, 16_384, 0.15, 0.6, 0.075),
  openai("o3", 200_000, 100_000, 2, 8, 0.5),
  openai("o4-mini", 200_000, 100_000, 1.1, 4.4, 0.275),
  gemini("gemini-3-pro-preview", 65_536, 2, 12),
  gemini("gemini-2.5-pro", 65_536, 1.25, 10),
  gemini("gemini-2.5-flash", 65_536, 0.3, 2.5),
  gemini("gemini-2.5-flash-lite", 65_536, 0.1, 0.4),
  gemini("gemini-2.0-flash", 8_192, 0.15, 0.6),
];

/**
 * Finds a model by id; dated or suffixed ids (`claude-sonnet-4-5-20250929`, `gpt-4o-2024-08-06`,
 * `gemini-2.5-flash-001`) resolve to the longest known id they start with.
 * @example getModel("claude-sonnet-4-5-20250929")?.contextWindow // 200000
 */
export function getModel(id: string): ModelInfo | undefined {
  let best: ModelInfo | undefined;
  for (const m of MODELS) {
    const matches = id === m.id || id.startsWith(`${m.id}-`) || id.startsWith(`${m.id}@`);
    if (matches && (!best || m.id.length > best.id.length)) best = m;
  }
  return best;
}

/** Cost in USD of one call's usage, or `undefined` for a model the catalogue does not know. */
export function costOf(model: string, usage: Usage): number | undefined {
  const info = getModel(model);
  if (!info) return undefined;
  const perToken = (price: number): number => price / 1_000_000;
  return (
    usage.inputTokens * perToken(info.inputPrice) +
    usage.outputTokens * perToken(info.outputPrice) +
    (usage.cacheReadTokens ?? 0) * perToken(info.cacheReadPrice ?? info.inputPrice) +
    (usage.cacheWriteTokens ?? 0) * perToken(info.cacheWritePrice ?? info.inputPrice)
  );
}
