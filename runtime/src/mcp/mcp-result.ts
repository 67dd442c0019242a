/**
 * A `tools/call` result as what the model gets: text, and images beside it. Every content block is
 * kept, in order, in the text: text as it is; an embedded text resource with its URI; a resource
 * link by URI; binary parts (images, audio, blobs) as a marker naming their type and size. Images
 * of a type the providers take (PNG, JPEG, GIF, WebP; an image blob resource too) are also
 * attached, sent as image blocks of the tool result; their marker says `attached`. Structured
 * content is sent as JSON when no text block is there to carry it (servers are asked to repeat it
 * as text, and those that do would otherwise send it twice).
 */
import type { CallToolResult, ContentBlock } from "@modelcontextprotocol/sdk/types.js";
import type { ImagePart } from "../llm.ts";

/** The image types every provider takes as input. */
const ATTACHABLE = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
/** Providers' per-image limit is ~5 MB; a bigger image stays a marker. */
const MAX_IMAGE_BASE64 = 5 * 1024 * 1024;

export interface McpResult {
  text: string;
  images: ImagePart[];
}

/** Bytes a base64 string decodes to. */
function base64Bytes(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

function attach(mimeType: string | undefined, data: string, images: ImagePart[]): boolean {
  if (!mimeType || !ATTACHABLE.has(mimeType) || data.length > MAX_IMAGE_BASE64) return false;
  images.push({ mimeType, data });
  return true;
}

function blockText(block: ContentBlock, images: ImagePart[]): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "image": {
      const attached = attach(block.mimeType, block.data, images) ? ", attached" : "";
      return `[image ${block.mimeType}, ${base64Bytes(block.data)} bytes${attached}]`;
    }
    case "audio":
      return `[audio ${block.mimeType}, ${base64Bytes(block.data)} bytes]`;
    case "resource": {
      const r = block.resource;
      if ("text" in r && typeof r.text === "string") return `[resource ${r.uri}]\n${r.text}`;
      const blob = "blob" in r && typeof r.blob === "string" ? r.blob : "";
      const attached = attach(r.mimeType, blob, images) ? ", attached" : "";
      return `[resource ${r.uri}${r.mimeType ? ` ${r.mimeType}` : ""}, ${base64Bytes(blob)} bytes${attached}]`;
    }
    case "resource_link":
      return `[resource link ${block.uri}${block.name ? ` (${block.name})` : ""}]`;
    default:
      return JSON.stringify(block);
  }
}

export function mcpResult(result: CallToolResult | Record<string, unknown>): McpResult {
  const content = Array.isArray(result.content) ? (result.content as ContentBlock[]) : [];
  const images: ImagePart[] = [];
  const parts = content.map((b) => blockText(b, images));
  const structured = result.structuredContent;
  if (structured !== undefined && !content.some((b) => b.type === "text"))
    parts.push(JSON.stringify(structured));
  // A server on the old protocol may answer with `toolResult` instead of content.
  if (parts.length === 0 && "toolResult" in result) parts.push(JSON.stringify(result.toolResult));
  return { text: parts.join("\n"), images };
}
