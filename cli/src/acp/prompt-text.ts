/**
 * The user's ACP prompt (text, resource links, embedded resources) as the one text message Loom
 * sends to the model.
 */
import type * as acp from "@agentclientprotocol/sdk";

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
      case "audio":
        parts.push(`[${b.type} omitted: not supported]`);
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
