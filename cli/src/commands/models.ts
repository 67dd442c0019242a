/** `loom models`: the providers Loom knows, whether each is configured, and their catalogue models. */
import { loadConfig } from "@loom/runtime/config";
import { MODELS } from "@loom/runtime/providers/catalogue";
import { defineCommand } from "citty";
import { DEFAULT_MODELS, KEY_VARIABLES, PROVIDERS } from "../providers.ts";
import { colorEnabled, createStyle } from "../repl/style.ts";
import { formatTokens } from "../repl/tool-display.ts";

export default defineCommand({
  meta: {
    name: "models",
    description: "List providers and models (from the catalogue), marking the configured default",
  },
  args: { json: { type: "boolean", description: "Print JSON" } },
  run({ args }) {
    const { config } = loadConfig({ workspace: process.cwd() });
    const current = {
      provider: config.agent.provider,
      model: config.agent.model ?? DEFAULT_MODELS[config.agent.provider],
    };
    const rows = Object.keys(PROVIDERS).map((provider) => {
      const settings = config.providers[provider] ?? {};
      const configured =
        config.server.url !== undefined ||
        settings.api_key !== undefined ||
        (provider === "vertex" && settings.project !== undefined);
      return {
        provider,
        configured,
        keyVariable: KEY_VARIABLES[provider],
        models: MODELS.filter((m) => m.provider === provider).map((m) => ({
          id: m.id,
          contextWindow: m.contextWindow,
          inputPrice: m.inputPrice,
          outputPrice: m.outputPrice,
          default: provider === current.provider && m.id === current.model,
        })),
      };
    });
    if (args.json) return void process.stdout.write(`${JSON.stringify({ current, providers: rows })}\n`);
    const s = createStyle(colorEnabled(process.stdout));
    process.stdout.write(
      `current: ${s.bold(`${current.model ?? "?"}`)} (${current.provider})${config.server.url ? ` via ${config.server.url}` : ""}\n`,
    );
    for (const r of rows) {
      const state = r.configured ? s.green("configured") : s.dim(`not configured (set ${r.keyVariable})`);
      process.stdout.write(`\n${s.bold(r.provider)}  ${state}\n`);
      for (const m of r.models) {
        const price = `$${m.inputPrice}/$${m.outputPrice} per Mtok`;
        process.stdout.write(
          `  ${m.default ? "*" : " "} ${m.id.padEnd(24)} ${s.dim(`${formatTokens(m.contextWindow).padStart(6)} ctx  ${price}`)}\n`,
        );
      }
    }
  },
});
