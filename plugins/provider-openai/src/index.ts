/**
 * OpenAI provider plugin: api.openai.com or any OpenAI-compatible server.
 * A key is required for api.openai.com and optional for a custom base URL (Ollama, vLLM, llama.cpp
 * need none; OpenRouter does).
 * @example
 * import openai from "@loom/provider-openai";
 * const local = openai.create({ baseUrl: "http://127.0.0.1:11434/v1" }); // Ollama
 * const responses = openai.create({ apiKey, settings: { api: "responses" } }); // Responses API
 */
import { LoomError } from "@loom/runtime/errors";
import type { ProviderDefinition, ProviderOptions } from "@loom/runtime/llm";
import { missingCredentials } from "@loom/runtime/providers/errors";
import { readSettings } from "@loom/runtime/providers/settings";
import { DEFAULT_IDLE_TIMEOUT_MS } from "@loom/runtime/providers/stream";
import { createOpenAiClient } from "./client.ts";
import { PROVIDER } from "./errors.ts";

const API_KEY_ENV = "OPENAI_API_KEY";
const DEFAULT_BASE_URL = "https://api.openai.com/v1";

function isOfficial(baseUrl: string): boolean {
  if (!URL.canParse(baseUrl)) {
    throw new LoomError("CONFIG_INVALID", `${PROVIDER}: base URL "${baseUrl}" is not a URL`, {
      provider: PROVIDER,
    });
  }
  return new URL(baseUrl).hostname === "api.openai.com";
}

/** Settings from `options.settings` (config `providers.openai.*`), all optional. */
function settingsOf(options: ProviderOptions, official: boolean) {
  const s = readSettings(PROVIDER, options.settings);
  const field = s.string("maxTokensField") ?? (official ? "max_completion_tokens" : "max_tokens");
  if (field !== "max_tokens" && field !== "max_completion_tokens") {
    throw new LoomError(
      "CONFIG_INVALID",
      `providers.openai.max_tokens_field: expected "max_tokens" or "max_completion_tokens"`,
    );
  }
  const api = s.string("api") ?? "chat";
  if (api !== "chat" && api !== "responses") {
    throw new LoomError("CONFIG_INVALID", `providers.openai.api: expected "chat" or "responses"`, {
      provider: PROVIDER,
      key: "api",
    });
  }
  return {
    api,
    maxTokensField: field,
    streamUsage: s.boolean("streamUsage", true),
    idleTimeoutMs: s.number("idleTimeoutMs", DEFAULT_IDLE_TIMEOUT_MS),
    requestTimeoutMs: s.number("requestTimeoutMs", 10 * 60_000),
  } as const;
}

const openai: ProviderDefinition = {
  name: PROVIDER,
  apiKeyEnv: API_KEY_ENV,
  create(options) {
    const baseUrl = options.baseUrl ?? DEFAULT_BASE_URL;
    const official = isOfficial(baseUrl);
    if (!options.apiKey && official) throw missingCredentials(PROVIDER, API_KEY_ENV);
    return createOpenAiClient({ apiKey: options.apiKey, baseUrl, ...settingsOf(options, official) });
  },
};

export default openai;
