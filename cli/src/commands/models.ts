/**
 * `loom models`: every provider Loom can use (the built-in ones and each named `[providers.x]`
 * table, e.g. an Ollama server of type "openai"), whether it is configured, and its catalogue
 * models with context window and price ("price unknown" where the catalogue has none).
 */
import { loadConfig } from "@loom/runtime/config";
import { MODELS } from "@loom/runtime/providers/catalogue";
import { defineCommand } from "citty";
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
): ProviderRow[] {
  const names = [...new Set([...Object.keys(PROVIDERS), ...Object.keys(providers)])];
  return names.map((provider) => {
    const type = providerType(provider, providers);
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
    const provider = config.agent.provider;
    const model = config.agent.model ?? DEFAULT_MODELS[provider];
    const current = { provider, model };
    const rows = listProviders(config.providers, current, config.server.url !== undefined);
    if (args.json) return void process.stdout.write(`${JSON.stringify({ current, providers: rows })}\n`);
    const s = createStyle(colorEnabled(process.stdout));
    process.stdout.write(
      `current: ${s.bold(`${current.model ?? "?"}`)} (${current.provider})${config.server.url ? ` via ${config.server.url}` : ""}\n`,
    );
    for (const r of rows) {
      const state = r.configured ? s.green("configured") : s.dim(`not configured (set ${r.keyVariable})`);
      const kind = r.type === r.provider ? "" : s.dim(` (${r.type}-compatible)`);
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
