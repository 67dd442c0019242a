import { expect, test } from "bun:test";
import { mcpResultText } from "./mcp-result.ts";
import { mcpToolName } from "./mcp-tool.ts";

test("every content block becomes text, in order; binary parts are placeholders with their size", () => {
  const text = mcpResultText({
    content: [
      { type: "text", text: "first" },
      { type: "image", data: "AAAA", mimeType: "image/png" },
      { type: "audio", data: "AAA=", mimeType: "audio/wav" },
      { type: "resource", resource: { uri: "file:///a.txt", text: "inside" } },
      { type: "resource", resource: { uri: "file:///b.bin", mimeType: "application/zip", blob: "AA==" } },
      { type: "resource_link", uri: "file:///c.md", name: "c" },
    ],
  });
  expect(text.split("\n")).toEqual([
    "first",
    "[image image/png, 3 bytes]",
    "[audio audio/wav, 2 bytes]",
    "[resource file:///a.txt]",
    "inside",
    "[resource file:///b.bin application/zip, 1 bytes]",
    "[resource link file:///c.md (c)]",
  ]);
});

test("structured content is sent as JSON only when no content block carries the result", () => {
  expect(mcpResultText({ content: [], structuredContent: { t: 21 } })).toBe('{"t":21}');
  expect(
    mcpResultText({ content: [{ type: "text", text: "21 degrees" }], structuredContent: { t: 21 } }),
  ).toBe("21 degrees");
  expect(mcpResultText({ toolResult: { ok: true } })).toBe('{"ok":true}');
});

test("tool names are <server>__<tool>, limited to the characters and length providers accept", () => {
  expect(mcpToolName("ev", "get-sum")).toBe("ev__get-sum");
  expect(mcpToolName("ev", "a.b/c d")).toBe("ev__a_b_c_d");
  expect(mcpToolName("s", "x".repeat(100))).toHaveLength(64);
});
