import { expect, test } from "bun:test";
import { mcpResult } from "./mcp-result.ts";
import { mcpToolName } from "./mcp-tool.ts";

const text = (r: Parameters<typeof mcpResult>[0]) => mcpResult(r).text;

test("every content block is in the text, in order; images the providers take are attached too", () => {
  const r = mcpResult({
    content: [
      { type: "text", text: "first" },
      { type: "image", data: "AAAA", mimeType: "image/png" },
      { type: "image", data: "BBBB", mimeType: "image/svg+xml" },
      { type: "audio", data: "AAA=", mimeType: "audio/wav" },
      { type: "resource", resource: { uri: "file:///a.txt", text: "inside" } },
      { type: "resource", resource: { uri: "file:///b.bin", mimeType: "application/zip", blob: "AA==" } },
      { type: "resource", resource: { uri: "file:///p.jpg", mimeType: "image/jpeg", blob: "CCCC" } },
      { type: "resource_link", uri: "file:///c.md", name: "c" },
    ],
  });
  expect(r.text.split("\n")).toEqual([
    "first",
    "[image image/png, 3 bytes, attached]",
    "[image image/svg+xml, 3 bytes]",
    "[audio audio/wav, 2 bytes]",
    "[resource file:///a.txt]",
    "inside",
    "[resource file:///b.bin application/zip, 1 bytes]",
    "[resource file:///p.jpg image/jpeg, 3 bytes, attached]",
    "[resource link file:///c.md (c)]",
  ]);
  expect(r.images).toEqual([
    { mimeType: "image/png", data: "AAAA" },
    { mimeType: "image/jpeg", data: "CCCC" },
  ]);
  // Too big for the providers: a marker only.
  const big = mcpResult({
    content: [{ type: "image", data: "A".repeat(5 * 1024 * 1024 + 4), mimeType: "image/png" }],
  });
  expect(big.images).toEqual([]);
  expect(big.text).not.toContain("attached");
});

test("structured content is sent as JSON when no text block carries the result", () => {
  expect(text({ content: [], structuredContent: { t: 21 } })).toBe('{"t":21}');
  expect(text({ content: [{ type: "text", text: "21 degrees" }], structuredContent: { t: 21 } })).toBe(
    "21 degrees",
  );
  expect(
    text({ content: [{ type: "image", data: "AAAA", mimeType: "image/png" }], structuredContent: { t: 21 } }),
  ).toBe('[image image/png, 3 bytes, attached]\n{"t":21}');
  expect(text({ toolResult: { ok: true } })).toBe('{"ok":true}');
});

test("tool names are <server>__<tool>, limited to the characters and length providers accept", () => {
  expect(mcpToolName("ev", "get-sum")).toBe("ev__get-sum");
  expect(mcpToolName("ev", "a.b/c d")).toBe("ev__a_b_c_d");
  expect(mcpToolName("s", "x".repeat(100))).toHaveLength(64);
});
