/**
 * Anthropic provider plugin.
 * @example
 * import anthropic from "@loom/provider-anthropic";
 * const llm = anthropic.create({ apiKey: process.env.ANTHROPIC_API_KEY });
 * for await (const e of llm.stream({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }] })) …
 */
import type { ProviderDefinition, ProviderOptions } from "@loom/runtime/llm";
import { missingCredentials } from "@loom/runtime/providers/errors";
import { readSettings } from "@loom/runtime/providers/settings";
import { DEFAULT_IDLE_TIMEOUT_MS } from "@loom/runtime/providers/stream";
import { createAnthropicClient } from "./client.ts";
import { PROVIDER } from "./errors.ts";

const API_KEY_ENV = "ANTHROPIC_API_KEY";
const DEFAULT_BASE_URL = "https://api.anthropic.com";

/** Settings from `options.settings` (config `providers.anthropic.*`), all optional. */
function settingsOf(options: ProviderOptions) {
  const s = readSettings(PROVIDER, options.settings);
  return {
    promptCaching: s.boolean("promptCaching", true),
    defaultMaxTokens: s.number("maxTokens", 8192),
    idleTimeoutMs: s.number("idleTimeoutMs", DEFAULT_IDLE_TIMEOUT_MS),
    requestTimeoutMs: s.number("requestTimeoutMs", 10 * 60_000),
  };
}

const anthropic: ProviderDefinition = {
  name: PROVIDER,
  apiKeyEnv: API_KEY_ENV,
  create(options) {
    if (!options.apiKey) throw missingCredentials(PROVIDER, API_KEY_ENV);
    return createAnthropicClient({
      apiKey: options.apiKey,
      baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
      ...settingsOf(options),
    });
  },
};

export default anthropic;
