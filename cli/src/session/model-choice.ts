/**
 * Which model a session may ask for, checked before anything is sent: a catalogue model of the
 * provider's own type; a model the catalogue does not know (newer than this Loom) when the
 * provider's own list has it, or when there is no list to ask and the name is no obvious typo of a
 * catalogue one; on an OpenAI-compatible server of the user's own, whatever that server lists at
 * `GET {base_url}/models` (anything at all when it lists nothing). A typo is an error with the
 * nearest names, never a request that fails later; a cost that cannot be counted is said once.
 */
import { closest, didYouMean } from "@loom/runtime/did-you-mean";
import { LoomError } from "@loom/runtime/errors";
import { getModel, MODELS } from "@loom/runtime/providers/catalogue";
import { clientConfigFrom } from "@loom/runtime/providers/resolve";
import { isNamedProvider, providerType } from "../providers.ts";
import { officialModels, serverModels } from "./model-lists.ts";

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
  /** Provider plugins found beside Loom: they serve their own name and take any model. */
  plugins?: readonly string[];
}

/** An OpenAI-type provider at a base URL other than api.openai.com: it serves models of its own. */
export function compatibleServer(provider: string, providers: ProviderTables): string | undefined {
  const cfg = clientConfigFrom(provider, providers[provider]);
  if (cfg.provider !== "openai" || !cfg.baseUrl || !URL.canParse(cfg.baseUrl)) return undefined;
  return new URL(cfg.baseUrl).hostname === "api.openai.com" ? undefined : cfg.baseUrl;
}

/** "local (openai)" for a named provider, "anthropic" for a built-in one. */
export function providerLabel(
  provider: string,
  providers: ProviderTables,
  plugins: readonly string[] = [],
): string {
  if (!isNamedProvider(provider) || (plugins.includes(provider) && !providers[provider])) return provider;
  return `${provider} (${providerType(provider, providers, plugins)})`;
}

/**
 * Checks that `model` can be sent to `provider`; throws CONFIG_INVALID naming the nearest models
 * otherwise. Returns the notice to show when the model is accepted without a catalogue entry (its
 * cost cannot be counted). Only a name the catalogue lacks costs a request (the provider's list).
 */
export async function checkModel(target: ModelTarget, o: ModelCheckOptions): Promise<string | undefined> {
  const { provider, model } = target;
  const type = providerType(provider, o.providers, o.plugins);
  // A provider plugin serves models of its own: none of Loom's business to check or price.
  if (o.plugins?.includes(type)) return undefined;
  const server = o.viaServer ? undefined : compatibleServer(provider, o.providers);
  if (server) return checkServerModel(provider, model, server, o);
  if (o.viaServer && isNamedProvider(provider)) return undefined;
  const known = getModel(model);
  if (known?.provider === type) return undefined;
  const label = providerLabel(provider, o.providers, o.plugins);
  if (known) {
    throw new LoomError(
      "CONFIG_INVALID",
      `model "${model}" belongs to ${known.provider}; provider ${label} does not serve it (use --provider ${known.provider}, or a ${type} model)`,
    );
  }
  const same = MODELS.filter((m) => m.provider === type).map((m) => m.id);
  const all = MODELS.map((m) => m.id);
  const hint = didYouMean(model, same) || didYouMean(model, all);
  const unknown = (why: string) =>
    new LoomError(
      "CONFIG_INVALID",
      `unknown model "${model}" for ${label}${why}; \`loom models\` lists the known models`,
    );
  const isProvider = model in o.providers || !isNamedProvider(model);
  if (isProvider && !hint) throw unknown(`; "${model}" is a provider: choose it with --provider ${model}`);

  const listed = o.viaServer ? undefined : await officialModels(provider, type, o.providers, o.fetch);
  if (listed?.ids.includes(model)) return uncounted(model);
  if (listed?.complete) {
    const near = didYouMean(model, [...listed.ids, ...same]) || hint;
    throw unknown(`: neither its model list nor Loom's catalogue has it${near}`);
  }
  if (obviousTypo(model, all)) throw unknown(hint);
  return uncounted(model);
}

function uncounted(model: string): string {
  return `model "${model}" is not in Loom's catalogue: its cost is not counted`;
}

/**
 * True when a catalogue name is within a typo of `model` and differs only in letters (the same
 * numbers: `claude-sonet-4-6`) or by a doubled key (`claude-opus-4-66`); a name that changes a
 * version (`claude-opus-6`) may be a model newer than the catalogue.
 */
export function obviousTypo(model: string, ids: readonly string[]): boolean {
  const numbers = (s: string) => s.match(/\d+/g)?.join(".") ?? "";
  const squeezed = (s: string) => s.replace(/(.)\1+/g, "$1");
  return closest(model, ids).some((id) => numbers(id) === numbers(model) || squeezed(id) === squeezed(model));
}

/**
 * Where the current provider cannot serve `model` but the catalogue names its provider, the model
 * moves there (`/model gpt-5` from Anthropic switches to OpenAI); otherwise it stays.
 */
export function providerFor(
  model: string,
  current: string,
  providers: ProviderTables,
  plugins: readonly string[] = [],
): string {
  if (compatibleServer(current, providers)) return current;
  const known = getModel(model);
  if (!known || known.provider === providerType(current, providers, plugins)) return current;
  return known.provider;
}

async function checkServerModel(
  provider: string,
  model: string,
  baseUrl: string,
  o: ModelCheckOptions,
): Promise<undefined> {
  const served = (await serverModels(provider, baseUrl, o.providers, o.fetch))?.ids;
  if (!served || served.length === 0 || served.includes(model)) return undefined;
  const shown = served.length > 8 ? `${served.slice(0, 8).join(", ")}, …` : served.join(", ");
  throw new LoomError(
    "CONFIG_INVALID",
    `model "${model}" is not served by ${providerLabel(provider, o.providers)} at ${baseUrl}${didYouMean(model, served)} (it serves: ${shown})`,
  );
}
