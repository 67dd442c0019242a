/**
 * Writes `config.schema.json` from the TypeBox `ConfigSchema` (the source of truth). The JSON is
 * what `loadConfig` validates against at start-up, and what editors (Taplo) can use for TOML.
 * Run after changing schema.ts: `bun runtime/src/config/write-schema.ts`. A test fails when it is stale.
 */
import { join } from "node:path";
import { ConfigSchema } from "./schema.ts";

export function schemaJson(): string {
  return `${JSON.stringify(ConfigSchema, null, 2)}\n`;
}

if (import.meta.main) {
  const target = join(import.meta.dir, "config.schema.json");
  await Bun.write(target, schemaJson());
  console.log(`wrote ${target}`);
}
