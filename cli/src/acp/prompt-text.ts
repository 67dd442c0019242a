/**
 * The user's ACP prompt (text, resource links, embedded resources, images) as the one user
 * message Loom sends to the model: its text, and its images beside it.
 */
import type * as acp from "@agentclientprotocol/sdk";
import type { ImagePart } from "@loom/runtime/llm";

/** The image types every provider Loom speaks to accepts. */
export const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];

type ImageBlock = Extract<acp.ContentBlock, { type: "image" }>;
const sendable = (b: ImageBlock): boolean => IMAGE_TYPES.includes(b.mimeType) && b.data.length > 0;

/** The prompt's images, in order (those of other types are named in the text instead). */
export function promptImages(blocks: acp.ContentBlock[]): ImagePart[] {
  return blocks.flatMap((b) =>
    b.type === "image" && sendable(b) ? [{ mimeType: b.mimeType, data: b.data }] : [],
  );
}

export function promptText(blocks: acp.ContentBlock[]): string {
  const parts: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case "text":
        parts.push(b.text);
        break;
      case "resource_link":
        parts.push(`@${fileOf(b.uri)}`);
        break;
      case "resource": {
        const r = b.resource;
        if ("text" in r) parts.push(`\n<context ref="${fileOf(r.uri)}">\n${r.text}\n</context>`);
        else parts.push(`@${fileOf(r.uri)}`);
        break;
      }
      case "image":
        if (!sendable(b)) parts.push(`[image omitted: ${b.mimeType || "no type"} is not supported]`);
        break;
      case "audio":
        parts.push("[audio omitted: not supported]");
        break;
      default: {
        const never: never = b;
        throw new Error(`unknown content block ${JSON.stringify(never)}`);
      }
    }
  }
  return parts.join(" ").trim();
}

/** `file:///a/b.ts` → `/a/b.ts`, with a `#L3-L9` line fragment as `:3-9`; any other URI as it is. */
function fileOf(uri: string): string {
  if (!uri.startsWith("file://")) return uri;
  try {
    const url = new URL(uri);
    const path = decodeURIComponent(url.pathname);
    const lines = /^#L(\d+)(?:-L?(\d+))?$/.exec(url.hash);
    if (!lines) return path;
    return lines[2] ? `${path}:${lines[1]}-${lines[2]}` : `${path}:${lines[1]}`;
  } catch {
    return uri;
  }
}
