/**
 * Known models: context window, output limit and list price, so the agent can budget context
 * and report cost. Prices are USD per million tokens (public list prices; check the provider's
 * pricing page before relying on them). `Usage.inputTokens` counts uncached input only, so cached
 * reads and cache writes are priced separately.
 *
 * Models the SDKs name but whose price or limits were not found in a provider's documentation are
 * listed without them (`unpriced`): their cost is unknown (`costOf` returns `undefined`), never a
 * guess. Anthropic figures for the 4.6+ models are from platform.claude.com's model pages.
 */
import type { Usage } from "../llm.ts";

export type ModelProvider = "anthropic" | "openai" | "vertex";

export interface ModelInfo {
  id: string;
  provider: ModelProvider;
  /** Absent when not documented. */
  contextWindow?: number;
  maxOutputTokens?: number;
  /** USD per million input tokens; absent when the price is unknown. */
  inputPrice?: number;
  /** USD per million output tokens; absent when the price is unknown. */
  outputPrice?: number;
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

/** A model the SDK lists whose price (and limits) we could not source: cost shows as unknown. */
const unpriced = (id: string, provider: ModelProvider): ModelInfo => ({ id, provider });

export const MODELS: readonly ModelInfo[] = [
  anthropic("claude-opus-5-5", 1_000_000, 128_000, 4, 20),
  anthropic("claude-opus-5", 1_000_000, 128_000, 5, 25),
  anthropic("claude-opus-4-8", 1_000_000, 128_000, 5, 25),
  unpriced("claude-opus-4-7", "anthropic"),
  anthropic("claude-opus-4-6", 1_000_000, 128_000, 5, 25),
  anthropic("claude-opus-4-5", 200_000, 64_000, 5, 25),
  anthropic("claude-opus-4-1", 200_000, 32_000, 15, 75),
  anthropic("claude-opus-4", 200_000, 32_000, 15, 75),
  anthropic("claude-sonnet-5-5", 1_000_000, 128_000, 2, 10),
  anthropic("claude-sonnet-5", 1_000_000, 128_000, 2, 10),
  anthropic("claude-sonnet-4-6", 1_000_000, 128_000, 3, 15),
  anthropic("claude-sonnet-4-5", 200_000, 64_000, 3, 15),
  anthropic("claude-sonnet-4", 200_000, 64_000, 3, 15),
  anthropic("claude-3-7-sonnet", 200_000, 64_000, 3, 15),
  unpriced("claude-haiku-5-5", "anthropic"),
  anthropic("claude-haiku-4-5", 200_000, 64_000, 1, 5),
  anthropic("claude-3-5-haiku", 200_000, 8_192, 0.8, 4),
  unpriced("gpt-5.5", "openai"),
  unpriced("gpt-5.4", "openai"),
  unpriced("gpt-5.4-mini", "openai"),
  unpriced("gpt-5.4-nano", "openai"),
  unpriced("gpt-5.2", "openai"),
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
  unpriced("gemini-3.5-flash", "vertex"),
  unpriced("gemini-3.1-pro-preview", "vertex"),
  unpriced("gemini-3.1-flash-lite", "vertex"),
  unpriced("gemini-3-flash-preview", "vertex"),
  gemini("gemini-3-pro-preview", 65_536, 2, 12),
  gemini("gemini-2.5-pro", 65_536, 1.25, 10),
  gemini("gemini-2.5-flash", 65_536, 0.3, 2.5),
  gemini("gemini-2.5-flash-lite", 65_536, 0.1, 0.4),
  gemini("gemini-2.0-flash", 8_192, 0.15, 0.6),
];

/**
 * A snapshot suffix: a date (`-20250929`, `-2025-04-14`), a Vertex version (`@20250929`), a
 * three-digit revision (`-001`) or `-latest`. Anything else (`-6` in `claude-opus-4-6`,
 * `-codex`, `-audio-preview`) names a different model, which must not inherit this one's price.
 */
const SNAPSHOT = /^(?:-\d{8}|-\d{4}-\d{2}-\d{2}|@.+|-\d{3}|-latest)$/;

/**
 * Finds a model by id; dated or versioned snapshots (`claude-sonnet-4-5-20250929`,
 * `gpt-4o-2024-08-06`, `gemini-2.5-flash-001`, `claude-sonnet-4-5@20250929`) resolve to their model.
 * @example getModel("claude-sonnet-4-5-20250929")?.contextWindow // 200000
 */
export function getModel(id: string): ModelInfo | undefined {
  return MODELS.find((m) => id === m.id || (id.startsWith(m.id) && SNAPSHOT.test(id.slice(m.id.length))));
}

/** Cost in USD of one call's usage, or `undefined` for a model the catalogue does not know. */
export function costOf(model: string, usage: Usage): number | undefined {
  const info = getModel(model);
  if (info?.inputPrice === undefined || info.outputPrice === undefined) return undefined;
  const perToken = (price: number): number => price / 1_000_000;
  return (
    usage.inputTokens * perToken(info.inputPrice) +
    usage.outputTokens * perToken(info.outputPrice) +
    (usage.cacheReadTokens ?? 0) * perToken(info.cacheReadPrice ?? info.inputPrice) +
    (usage.cacheWriteTokens ?? 0) * perToken(info.cacheWritePrice ?? info.inputPrice)
  );
}
