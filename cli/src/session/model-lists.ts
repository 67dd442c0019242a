/**
 * Providers' own model lists, asked only about names Loom's catalogue does not know: an
 * OpenAI-compatible server's `GET {base_url}/models`, and the official Anthropic and OpenAI APIs'
 * `GET /v1/models`. One request with a short limit; `undefined` whenever no list can be had.
 */
import { clientConfigFrom } from "@loom/runtime/providers/resolve";
import { Secret } from "@loom/runtime/secret";

type ProviderTables = Record<string, Record<string, unknown>>;

export interface ModelList {
  ids: string[];
  /** False when the provider says more pages follow: a missing id then proves nothing. */
  complete: boolean;
}

/** How long a provider's model list may take before the model is judged without it. */
const LIST_TIMEOUT_MS = 3000;
const ANTHROPIC_BASE_URL = "https://api.anthropic.com";
const OPENAI_BASE_URL = "https://api.openai.com/v1";
/** Anthropic's largest page: one request covers every model it serves. */
const ANTHROPIC_PAGE = 1000;

/** The ids an OpenAI-compatible server lists at `GET {baseUrl}/models`, with the key if one is set. */
export function serverModels(
  provider: string,
  baseUrl: string,
  providers: ProviderTables,
  fetchFn: typeof fetch = fetch,
): Promise<ModelList | undefined> {
  const key = keyOf(provider, providers);
  return fetchList(`${trimSlash(baseUrl)}/models`, key ? { authorization: `Bearer ${key}` } : {}, fetchFn);
}

/**
 * The official API's list for a provider of type `anthropic` (Anthropic's own platform) or
 * `openai` (api.openai.com), at the configured base URL (`base_url`, ANTHROPIC_BASE_URL,
 * OPENAI_BASE_URL). Undefined without a key, and for Vertex AI, whose catalogue is not asked.
 */
export function officialModels(
  provider: string,
  type: string,
  providers: ProviderTables,
  fetchFn: typeof fetch = fetch,
): Promise<ModelList | undefined> {
  const cfg = clientConfigFrom(provider, providers[provider]);
  const key = keyOf(provider, providers);
  if (!key) return Promise.resolve(undefined);
  const platform = cfg.settings?.platform ?? "anthropic";
  if (type === "anthropic" && platform === "anthropic") {
    const url = `${trimSlash(cfg.baseUrl ?? ANTHROPIC_BASE_URL)}/v1/models?limit=${ANTHROPIC_PAGE}`;
    return fetchList(url, { "x-api-key": key, "anthropic-version": "2023-06-01" }, fetchFn);
  }
  if (type === "openai") {
    const url = `${trimSlash(cfg.baseUrl ?? OPENAI_BASE_URL)}/models`;
    return fetchList(url, { authorization: `Bearer ${key}` }, fetchFn);
  }
  return Promise.resolve(undefined);
}

function keyOf(provider: string, providers: ProviderTables): string | undefined {
  const key = clientConfigFrom(provider, providers[provider]).apiKey;
  return (key instanceof Secret ? key.expose() : key) || undefined;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** `{ data: [{ id }], has_more? }`: both OpenAI's and Anthropic's list format. */
async function fetchList(
  url: string,
  headers: Record<string, string>,
  fetchFn: typeof fetch,
): Promise<ModelList | undefined> {
  try {
    const res = await fetchFn(url, { headers, signal: AbortSignal.timeout(LIST_TIMEOUT_MS) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { data?: unknown; has_more?: unknown };
    if (!Array.isArray(body.data)) return undefined;
    const ids = body.data.flatMap((m) =>
      typeof m === "object" && m !== null && typeof (m as { id?: unknown }).id === "string"
        ? [(m as { id: string }).id]
        : [],
    );
    return { ids, complete: body.has_more !== true };
  } catch {
    // No list (an old server, a proxy without the route, a bad base URL, a timeout).
    return undefined;
  }
}
