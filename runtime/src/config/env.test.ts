import { describe, expect, test } from "bun:test";
import { envLayer, keyOfVariable, parseValue } from "./env.ts";
import { schemaAt } from "./schema-walk.ts";
import { CONFIG_SCHEMA as ConfigSchema } from "./validate.ts";

describe("environment variables", () => {
  test("names map to key paths", () => {
    expect(keyOfVariable("LOOM_AGENT__MODEL")).toEqual(["agent", "model"]);
    expect(keyOfVariable("LOOM_TOOLS__BASH__TIMEOUT_MS")).toEqual(["tools", "bash", "timeout_ms"]);
    expect(keyOfVariable("LOOM_PROVIDERS__OPENAI__BASE_URL")).toEqual(["providers", "openai", "base_url"]);
    expect(keyOfVariable("LOOM_DEBUG")).toBeUndefined();
    expect(keyOfVariable("PATH")).toBeUndefined();
  });

  test("values follow the schema: strings stay strings, numbers and booleans parse, arrays parse", () => {
    const at = (path: string) => schemaAt(ConfigSchema, path.split("."));
    expect(parseValue("3", at("agent.max_retries"))).toBe(3);
    expect(parseValue("three", at("agent.max_retries"))).toBe("three");
    expect(parseValue("false", at("git.snapshots"))).toBe(false);
    expect(parseValue("007", at("agent.model"))).toBe("007");
    expect(parseValue("true", at("agent.permission_mode"))).toBe("true");
    expect(parseValue('["a", "b"]', at("plugins.paths"))).toEqual(["a", "b"]);
    expect(parseValue("a,b", at("plugins.paths"))).toBe("a,b");
    expect(parseValue("1.5", at("providers.x.temperature"))).toBe(1.5);
    expect(parseValue("us-east5", at("providers.x.location"))).toBe("us-east5");
    expect(parseValue("1\nx = 2", at("agent.max_retries"))).toBe("1\nx = 2");
  });

  test("empty variables are unset; provider variables land under providers", () => {
    const layer = envLayer({ ANTHROPIC_API_KEY: "", OPENAI_API_KEY: "k", LOOM_LOG__FILE: "" }, ConfigSchema);
    expect(layer.values).toEqual({ providers: { openai: { api_key: "k" } } });
    expect(layer.sourceOf(["providers", "openai", "api_key"])).toEqual({
      kind: "env",
      name: "OPENAI_API_KEY",
    });
    expect(layer.sourceOf(["providers"])).toEqual({ kind: "env", name: "OPENAI_API_KEY" });
  });

  test("LOOM_SERVER_URL sets server.url; LOOM_SERVER__URL beats it", () => {
    expect(envLayer({ LOOM_SERVER_URL: "http://127.0.0.1:8080" }, ConfigSchema).values).toEqual({
      server: { url: "http://127.0.0.1:8080" },
    });
    const both = envLayer({ LOOM_SERVER_URL: "http://a", LOOM_SERVER__URL: "http://b" }, ConfigSchema);
    expect(both.values).toEqual({ server: { url: "http://b" } });
  });
});
