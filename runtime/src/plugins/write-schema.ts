/** Writes `loom-plugin.schema.json` from the TypeBox schema: `bun runtime/src/plugins/write-schema.ts`. */
import { PluginManifest } from "./manifest.ts";

export const SCHEMA_FILE = new URL("./loom-plugin.schema.json", import.meta.url).pathname;

export function manifestJsonSchema(): string {
  return `${JSON.stringify({ $schema: "http://json-schema.org/draft-07/schema#", ...PluginManifest }, null, 2)}\n`;
}

if (import.meta.main) await Bun.write(SCHEMA_FILE, manifestJsonSchema());
