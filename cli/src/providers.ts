/**
 * The provider plugins the CLI knows, each imported only when it is used (SDKs are heavy; the
 * REPL prompt must not wait for them).
 */
import { didYouMean } from "@loom/runtime/did-you-mean";
import { LoomError } from "@loom/runtime/errors";
import type { ProviderDefinition } from "@loom/runtime/llm";
import { clientConfigFrom } from "@loom/runtime/providers/resolve";

type LoadProvider = () => Promise<ProviderDefinition>;

const def = (m: { default: ProviderDefinition }) => m.default;

export const PROVIDERS: Readonly<Record<string, LoadProvider>> = {
  anthropic: () => import("@loom/provider-anthropic").then(def),
  openai: () => import("@loom/provider-openai").then(def),
  vertex: () => import("@loom/provider-vertex").then(def),
};

/** Used when neither flags nor config name a model. */
export const DEFAULT_MODELS: Readonly<Record<string, string>> = {
  anthropic: "claude-sonnet-4-6",
  openai: "gpt-5",
  vertex: "gemini-2.5-pro",
};

/** Env variables that hold each provider's credentials (shown by `loom models`). */
export const KEY_VARIABLES: Readonly<Record<string, string>> = {
  anthropic: "ANTHROPIC_API_KEY",
  openai: "OPENAI_API_KEY",
  vertex: "GOOGLE_CLOUD_PROJECT",
};

export async function loadProvider(name: string): Promise<ProviderDefinition> {
  const load = PROVIDERS[name];
  if (!load) {
    throw new LoomError(
      "CONFIG_INVALID",
      `unknown provider "${name}" (available: ${Object.keys(PROVIDERS).join(", ")})`,
    );
  }
  return load();
}

export function defaultModel(provider: string): string | undefined {
  return DEFAULT_MODELS[provider];
}

/**
 * The provider plugin behind a configured name: itself, or the `type` of a named table such as
 * `[providers.ollama] type = "openai"` (an OpenAI-compatible server). `plugins` names the provider
 * plugins installed beside Loom (cli/src/provider-plugins.ts), which serve their own name and may
 * be a table's type. Throws for unknown names, and for a named table that does not say which
 * plugin serves it.
 */
export function providerType(
  name: string,
  providers: Record<string, Record<string, unknown>>,
  plugins: readonly string[] = [],
): string {
  const types = [...Object.keys(PROVIDERS), ...plugins].join(", ");
  const resolved = clientConfigFrom(name, providers[name]).provider;
  if (resolved in PROVIDERS || plugins.includes(resolved)) return resolved;
  if (resolved !== name) {
    throw new LoomError(
      "CONFIG_INVALID",
      `provider "${name}" has unknown type "${resolved}" (types: ${types})`,
    );
  }
  if (providers[name] !== undefined) {
    throw new LoomError(
      "CONFIG_INVALID",
      `provider "${name}" has no type: set providers.${name}.type to one of ${types} (e.g. type = "openai" for an OpenAI-compatible server)`,
    );
  }
  const known = [...new Set([...Object.keys(PROVIDERS), ...plugins, ...Object.keys(providers)])];
  throw new LoomError(
    "CONFIG_INVALID",
    `unknown provider "${name}"${didYouMean(name, known)} (available: ${known.join(", ")})`,
  );
}

/** True for a named table (`[providers.local]`), false for a built-in provider used by its own name. */
export function isNamedProvider(name: string): boolean {
  return !(name in PROVIDERS);
}
