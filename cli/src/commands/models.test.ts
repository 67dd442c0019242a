import { expect, test } from "bun:test";
import { listProviders } from "./models.ts";

test("a provider plugin is listed with its default model, and may be a named table's type", () => {
  const plugin = { name: "simple-chat", source: "/p/simple-chat", defaultModel: "simple-1", granted: true };
  const rows = listProviders({ mine: { type: "simple-chat" } }, { provider: "mine", model: "big-2" }, false, [
    plugin,
  ]);
  const own = rows.find((r) => r.provider === "simple-chat");
  expect(own).toEqual({
    provider: "simple-chat",
    type: "simple-chat",
    configured: true,
    keyVariable: "plugins.grants.simple-chat.network",
    models: [{ id: "simple-1", contextWindow: null, inputPrice: null, outputPrice: null, default: false }],
    plugin: "/p/simple-chat",
  });
  const named = rows.find((r) => r.provider === "mine");
  expect(named?.type).toBe("simple-chat");
  expect(named?.models.map((m) => [m.id, m.default])).toEqual([["big-2", true]]);
  expect(rows.map((r) => r.provider).slice(0, 3)).toEqual(["anthropic", "openai", "vertex"]);
});

test("without plugins a table typed as an unknown provider is still refused", () => {
  expect(() =>
    listProviders({ mine: { type: "simple-chat" } }, { provider: "anthropic", model: "x" }, false),
  ).toThrow('provider "mine" has unknown type "simple-chat"');
});
