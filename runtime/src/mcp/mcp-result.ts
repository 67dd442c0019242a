/**
 * A `tools/call` result as the text the model sees. Loom's tool results are text, so every
 * content block is kept in order as text: text as it is, an embedded text resource with its URI,
 * binary parts (images, audio, blobs) as a placeholder naming their type and size, resource links
 * by URI. Structured content is sent as JSON when there is no content block (servers are asked to
 * repeat it as text, and those that do would otherwise send it twice).
 */
import type { CallToolResult, ContentBlock } from "@modelcontextprotocol/sdk/types.js";

/** Bytes a base64 string decodes to. */
function base64Bytes(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

function blockText(block: ContentBlock): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "image":
      return `[image ${block.mimeType}, ${base64Bytes(block.data)} bytes]`;
    case "audio":
      return `[audio ${block.mimeType}, ${base64Bytes(block.data)} bytes]`;
    case "resource": {
      const r = block.resource;
      if ("text" in r && typeof r.text === "string") return `[resource ${r.uri}]\n${r.text}`;
      const blob = "blob" in r && typeof r.blob === "string" ? r.blob : "";
      return `[resource ${r.uri}${r.mimeType ? ` ${r.mimeType}` : ""}, ${base64Bytes(blob)} bytes]`;
    }
    case "resource_link":
      return `[resource link ${block.uri}${block.name ? ` (${block.name})` : ""}]`;
    default:
      return JSON.stringify(block);
  }
}

export function mcpResultText(result: CallToolResult | Record<string, unknown>): string {
  const content = Array.isArray(result.content) ? (result.content as ContentBlock[]) : [];
  const parts = content.map(blockText);
  const structured = result.structuredContent;
  if (structured !== undefined && parts.length === 0) parts.push(JSON.stringify(structured));
  // A server on the old protocol may answer with `toolResult` instead of content.
  if (parts.length === 0 && "toolResult" in result) parts.push(JSON.stringify(result.toolResult));
  return parts.join("\n");
}
