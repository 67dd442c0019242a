import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Value } from "@sinclair/typebox/value";
import { checkValue } from "./check.ts";
import { defaultConfig } from "./load.ts";
import { ConfigSchema } from "./schema.ts";
import { CONFIG_SCHEMA } from "./validate.ts";
import { schemaJson } from "./write-schema.ts";

describe("config schema", () => {
  test("config.schema.json is generated from the TypeBox schema and up to date", () => {
    const onDisk = readFileSync(join(import.meta.dir, "config.schema.json"), "utf8");
    expect(JSON.parse(onDisk)).toEqual(JSON.parse(schemaJson()));
  });

  test("built-in defaults equal TypeBox's defaults and pass the schema", () => {
    const defaults = defaultConfig();
    expect(defaults).toEqual(Value.Default(ConfigSchema, {}) as Record<string, unknown>);
    expect(Value.Check(ConfigSchema, defaults)).toBe(true);
    expect(checkValue(CONFIG_SCHEMA, defaults)).toEqual([]);
  });

  test("the start-up checker agrees with TypeBox on valid and invalid configs", () => {
    const DELETE = Symbol("delete");
    const cases: Array<[path: string[], value: unknown]> = [
      [[], undefined],
      [["agent", "max_retries"], "3"],
      [["agent", "max_retries"], 1.5],
      [["agent", "max_retries"], -1],
      [["agent", "permission_mode"], "auto"],
      [["agent", "permission_mode"], "never"],
      [["agent", "provider"], ""],
      [["agent", "extra"], 1],
      [["server", "port"], 65536],
      [["server", "port"], 0],
      [["providers"], { vertex: { project: "p", location: "l", retries: 2, beta: true } }],
      [["providers"], { vertex: { project: { nested: 1 } } }],
      [["providers"], { openai: { api_key: 5 } }],
      [["plugins", "grants"], { web: { network: ["a.com"], exec: true } }],
      [["plugins", "grants"], { web: { net: ["a.com"] } }],
      [
        ["plugins", "paths"],
        ["a", 1],
      ],
      [["git"], "yes"],
      [["git", "snapshots"], DELETE],
      [["log", "level"], "verbose"],
      [["server", "url"], "notaurl"],
      [["server", "url"], "https://loom.example"],
      [["server", "public_url"], "loom.example"],
      [["weavers", "default_ttl"], "4 hours"],
      [["weavers", "default_ttl"], "90m"],
      [["weavers", "kubernetes", "memory"], "16 GB"],
    ];
    for (const [path, replacement] of cases) {
      const value = defaultConfig();
      let table: Record<string, unknown> = value;
      for (const segment of path.slice(0, -1)) table = table[segment] as Record<string, unknown>;
      const last = path[path.length - 1];
      if (last !== undefined && replacement === DELETE) delete table[last];
      else if (last !== undefined) table[last] = replacement;
      const ours = checkValue(CONFIG_SCHEMA, value).length === 0;
      expect({ path, ok: ours }).toEqual({ path, ok: Value.Check(ConfigSchema, value) });
    }
  });

  test("loading config does not pull TypeBox into the start-up path", async () => {
    const build = await Bun.build({ entrypoints: [join(import.meta.dir, "load.ts")], target: "bun" });
    expect(build.success).toBe(true);
    const text = await build.outputs[0]!.text();
    expect(text).toContain("tool_timeout_ms");
    expect(text).not.toContain("sinclair");
    expect(text).not.toContain("TypeBox");
  });
});
