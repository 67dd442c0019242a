/**
 * Which model a session may ask for, checked before anything is sent: a catalogue model of the
 * provider's own type, or, on an OpenAI-compatible server of the user's own, whatever that server
 * lists at `GET {base_url}/models` (anything at all when it lists nothing). A typo is an error with
 * the nearest names, never a request that fails later or a cost that silently goes missing.
 */
import { didYouMean } from "@loom/runtime/did-you-mean";
import { LoomError } from "@loom/runtime/errors";
import { getModel, MODELS } from "@loom/runtime/providers/catalogue";
import { clientConfigFrom } from "@loom/runtime/providers/resolve";
import { Secret } from "@loom/runtime/secret";
import { isNamedProvider, providerType } from "../providers.ts";

type ProviderTables = Record<string, Record<string, unknown>>;

export interface ModelTarget {
  /** The provider the model is sent to: a built-in name or a configured `[providers.x]` name. */
  provider: string;
  model: string;
}

export interface ModelCheckOptions {
  providers: ProviderTables;
  /** Models go through a team server: its providers are not ours to ask. */
  viaServer?: boolean;
  fetch?: typeof fetch;
}

/** How long a server's model list may take before the model is accepted unchecked. */
const LIST_TIMEOUT_MS = 3000;

/** An OpenAI-type provider at a base URL other than api.openai.com: it serves models of its own. */
export function compatibleServer(provider: string, providers: ProviderTables): string | undefined {
  const cfg = clientConfigFrom(provider, providers[provider]);
  if (cfg.provider !== "openai" || !cfg.baseUrl || !URL.canParse(cfg.baseUrl)) return undefined;
  return new URL(cfg.baseUrl).hostname === "api.openai.com" ? undefined : cfg.baseUrl;
}

/** "local (openai)" for a named provider, "anthropic" for a built-in one. */
export function providerLabel(provider: string, providers: ProviderTables): string {
  return isNamedProvider(provider) ? `${provider} (${providerType(provider, providers)})` : provider;
}

/**
 * Checks that `model` can be sent to `provider`; throws CONFIG_INVALID naming the nearest models
 * otherwise.
 */
export async function checkModel(target: ModelTarget, o: ModelCheckOptions): Promise<void> {
  const { provider, model } = target;
  const type = providerType(provider, o.providers);
  const server = o.viaServer ? undefined : compatibleServer(provider, o.providers);
  if (server) return checkServerModel(provider, model, server, o);
  if (o.viaServer && isNamedProvider(provider)) return;
  const known = getModel(model);
  if (known?.provider === type) return;
  const label = providerLabel(provider, o.providers);
  if (known) {
    throw new LoomError(
      "CONFIG_INVALID",
      `model "${model}" belongs to ${known.provider}; provider ${label} does not serve it (use --provider ${known.provider}, or a ${type} model)`,
    );
  }
  const same = MODELS.filter((m) => m.provider === type).map((m) => m.id);
  const hint =
    didYouMean(model, same) ||
    didYouMean(
      model,
      MODELS.map((m) => m.id),
    );
  const isProvider = model in o.providers || !isNamedProvider(model);
  const aside = isProvider && !hint ? `; "${model}" is a provider: choose it with --provider ${model}` : "";
  throw new LoomError(
    "CONFIG_INVALID",
    `unknown model "${model}" for ${label}${hint}${aside}; \`loom models\` lists the known models`,
  );
}

/**
 * Where the current provider cannot serve `model` but the catalogue names its provider, the model
 * moves there (`/model gpt-5` from Anthropic switches to OpenAI); otherwise it stays.
 */
export function providerFor(model: string, current: string, providers: ProviderTables): string {
  if (compatibleServer(current, providers)) return current;
  const known = getModel(model);
  if (!known || known.provider === providerType(current, providers)) return current;
  return known.provider;
}

async function checkServerModel(
  provider: string,
  model: string,
  baseUrl: string,
  o: ModelCheckOptions,
): Promise<void> {
  const served = await listServerModels(provider, baseUrl, o);
  if (!served || served.length === 0 || served.includes(model)) return;
  const shown = served.length > 8 ? `${served.slice(0, 8).join(", ")}, …` : served.join(", ");
  throw new LoomError(
    "CONFIG_INVALID",
    `model "${model}" is not served by ${providerLabel(provider, o.providers)} at ${baseUrl}${didYouMean(model, served)} (it serves: ${shown})`,
  );
}

/** The ids at `GET {base}/models` (OpenAI's list format), or undefined when the server has no list. */
async function listServerModels(
  provider: string,
  baseUrl: string,
  o: ModelCheckOptions,
): Promise<string[] | undefined> {
  const key = clientConfigFrom(provider, o.providers[provider]).apiKey;
  const token = key instanceof Secret ? key.expose() : key;
  try {
    const res = await (o.fetch ?? fetch)(`${baseUrl.replace(/\/+$/, "")}/models`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(LIST_TIMEOUT_MS),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { data?: unknown };
    if (!Array.isArray(body.data)) return undefined;
    return body.data.flatMap((m) =>
      typeof m === "object" && m !== null && typeof (m as { id?: unknown }).id === "string"
        ? [(m as { id: string }).id]
        : [],
    );
  } catch {
    // No list (an old server, a proxy without the route, a timeout): the request itself will tell.
    return undefined;
  }
}
