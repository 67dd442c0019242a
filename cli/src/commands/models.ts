/**
 * `loom models`: every provider Loom can use (the built-in ones and each named `[providers.x]`
 * table, e.g. an Ollama server of type "openai"), whether it is configured, and its catalogue
 * models with context window and price ("price unknown" where the catalogue has none).
 */
import { loadConfig } from "@loom/runtime/config";
import { MODELS } from "@loom/runtime/providers/catalogue";
import { defineCommand } from "citty";
import { findProviderPlugins } from "../provider-plugins.ts";
import { DEFAULT_MODELS, KEY_VARIABLES, PROVIDERS, providerType } from "../providers.ts";
import { colorEnabled, createStyle } from "../repl/style.ts";
import { formatTokens } from "../repl/tool-display.ts";

export interface ModelRow {
  id: string;
  contextWindow: number | null;
  /** USD per million tokens; null when unknown. */
  inputPrice: number | null;
  outputPrice: number | null;
  default: boolean;
}

export interface ProviderRow {
  provider: string;
  /** The plugin behind it: the name itself, or the table's `type`. */
  type: string;
  configured: boolean;
  /** What to set when it is not configured. */
  keyVariable: string | undefined;
  models: ModelRow[];
  /** A provider plugin (not built in): where it was found. */
  plugin?: string;
}

/** A provider plugin as `loom models` shows it. */
export interface ProviderPluginInfo {
  name: string;
  source: string;
  defaultModel?: string | undefined;
  /** The user granted it network hosts (it can reach its API). */
  granted: boolean;
}

type ProviderTables = Record<string, Record<string, unknown>>;

function isConfigured(type: string, table: Record<string, unknown>, viaServer: boolean): boolean {
  if (viaServer || table.api_key !== undefined) return true;
  // An OpenAI-compatible server (Ollama, vLLM…) needs only its base URL; Vertex only its project.
  if (type === "openai") return typeof table.base_url === "string" && table.base_url !== "";
  if (type === "vertex") return table.project !== undefined;
  return false;
}

/** The rows `loom models` prints, from a loaded config. */
export function listProviders(
  providers: ProviderTables,
  current: { provider: string; model: string | undefined },
  viaServer: boolean,
  plugins: readonly ProviderPluginInfo[] = [],
): ProviderRow[] {
  const pluginNames = plugins.map((p) => p.name);
  const names = [...new Set([...Object.keys(PROVIDERS), ...pluginNames, ...Object.keys(providers)])];
  return names.map((provider): ProviderRow => {
    const type = providerType(provider, providers, pluginNames);
    const plugin = plugins.find((p) => p.name === type);
    if (plugin) return pluginRow(provider, plugin, current);
    const table = providers[provider] ?? {};
    const isCurrent = (id: string) => provider === current.provider && id === current.model;
    // Named compatible servers serve their own models: the catalogue cannot list them.
    const models: ModelRow[] =
      type === provider
        ? MODELS.filter((m) => m.provider === provider).map((m) => ({
            id: m.id,
            contextWindow: m.contextWindow ?? null,
            inputPrice: m.inputPrice ?? null,
            outputPrice: m.outputPrice ?? null,
            default: isCurrent(m.id),
          }))
        : [];
    if (current.model && provider === current.provider && !models.some((m) => m.default)) {
      const model = { id: current.model, contextWindow: null, inputPrice: null, outputPrice: null };
      models.unshift({ ...model, default: true });
    }
    return {
      provider,
      type,
      configured: isConfigured(type, table, viaServer),
      keyVariable: type === provider ? KEY_VARIABLES[provider] : `providers.${provider}.base_url`,
      models,
    };
  });
}

/** A provider plugin serves models of its own: only its default (or the current one) is known. */
function pluginRow(
  provider: string,
  plugin: ProviderPluginInfo,
  current: { provider: string; model: string | undefined },
): ProviderRow {
  const id = provider === current.provider ? (current.model ?? plugin.defaultModel) : plugin.defaultModel;
  return {
    provider,
    type: plugin.name,
    configured: plugin.granted,
    keyVariable: `plugins.grants.${plugin.name}.network`,
    models: id
      ? [
          {
            id,
            contextWindow: null,
            inputPrice: null,
            outputPrice: null,
            default: provider === current.provider,
          },
        ]
      : [],
    plugin: plugin.source,
  };
}

function priceText(m: ModelRow): string {
  return m.inputPrice === null || m.outputPrice === null
    ? "price unknown"
    : `$${m.inputPrice}/$${m.outputPrice} per Mtok`;
}

export default defineCommand({
  meta: {
    name: "models",
    description: "List providers and models (from the catalogue), marking the configured default",
  },
  args: { json: { type: "boolean", description: "Print JSON" } },
  run({ args }) {
    const { config } = loadConfig({ workspace: process.cwd() });
    const plugins = findProviderPlugins(process.cwd(), config, process.env).map(
      (c): ProviderPluginInfo => ({
        name: c.manifest.name,
        source: c.dir ?? c.source,
        defaultModel: c.manifest.provider?.defaultModel,
        granted: (config.plugins.grants[c.manifest.name]?.network ?? []).length > 0,
      }),
    );
    const provider = config.agent.provider;
    const model =
      config.agent.model ??
      DEFAULT_MODELS[provider] ??
      plugins.find((p) => p.name === provider)?.defaultModel;
    const current = { provider, model };
    const rows = listProviders(config.providers, current, config.server.url !== undefined, plugins);
    if (args.json) return void process.stdout.write(`${JSON.stringify({ current, providers: rows })}\n`);
    const s = createStyle(colorEnabled(process.stdout));
    process.stdout.write(
      `current: ${s.bold(`${current.model ?? "?"}`)} (${current.provider})${config.server.url ? ` via ${config.server.url}` : ""}\n`,
    );
    for (const r of rows) {
      const state = r.configured ? s.green("configured") : s.dim(`not configured (set ${r.keyVariable})`);
      const kind = r.plugin
        ? s.dim(` (plugin${r.type === r.provider ? "" : ` ${r.type}`}: ${r.plugin})`)
        : r.type === r.provider
          ? ""
          : s.dim(` (${r.type}-compatible)`);
      process.stdout.write(`\n${s.bold(r.provider)}${kind}  ${state}\n`);
      for (const m of r.models) {
        const ctx = m.contextWindow === null ? "?" : formatTokens(m.contextWindow);
        process.stdout.write(
          `  ${m.default ? "*" : " "} ${m.id.padEnd(24)} ${s.dim(`${ctx.padStart(6)} ctx  ${priceText(m)}`)}\n`,
        );
      }
    }
  },
});
