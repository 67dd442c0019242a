/**
 * An image from the system clipboard (Ctrl-V in the REPL), through the clipboard tool the desktop
 * has: `wl-paste` (Wayland), `xclip` (X11) or `pngpaste` (macOS). None present, or no image on the
 * clipboard: a one-line reason instead.
 */
import type { ImagePart } from "@loom/runtime/llm";
import { IMAGE_MAX_BYTES } from "./mentions.ts";

const TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
const TIMEOUT_MS = 3000;

type Env = Record<string, string | undefined>;

interface Tool {
  list?: string[];
  read(type: string): string[];
}

/** The clipboard tool for this desktop, if one is installed. */
export function clipboardTool(env: Env = process.env, platform = process.platform): Tool | undefined {
  const has = (name: string) => Bun.which(name, { PATH: env.PATH ?? "" }) !== null;
  if (platform === "darwin" && has("pngpaste")) return { read: () => ["pngpaste", "-"] };
  if (env.WAYLAND_DISPLAY && has("wl-paste"))
    return { list: ["wl-paste", "--list-types"], read: (t) => ["wl-paste", "--type", t] };
  if (env.DISPLAY && has("xclip"))
    return {
      list: ["xclip", "-selection", "clipboard", "-t", "TARGETS", "-o"],
      read: (t) => ["xclip", "-selection", "clipboard", "-t", t, "-o"],
    };
  return undefined;
}

async function output(argv: string[], env: Env): Promise<Buffer | undefined> {
  const p = Bun.spawn(argv, {
    stdout: "pipe",
    stderr: "ignore",
    stdin: "ignore",
    env: env as Record<string, string>,
  });
  const timer = setTimeout(() => p.kill(), TIMEOUT_MS);
  try {
    const bytes = Buffer.from(await new Response(p.stdout).arrayBuffer());
    return (await p.exited) === 0 ? bytes : undefined;
  } finally {
    clearTimeout(timer);
  }
}

export async function clipboardImage(env: Env = process.env): Promise<ImagePart | string> {
  const tool = clipboardTool(env);
  if (!tool) return "no clipboard tool found (wl-paste, xclip or pngpaste); attach an image with @path";
  let type = "image/png";
  if (tool.list) {
    const types = (await output(tool.list, env))?.toString("utf8").split(/\s+/) ?? [];
    const found = TYPES.find((t) => types.includes(t));
    if (!found) return "the clipboard holds no image";
    type = found;
  }
  const bytes = await output(tool.read(type), env);
  if (!bytes || bytes.length === 0) return "the clipboard holds no image";
  if (bytes.length > IMAGE_MAX_BYTES)
    return `the clipboard image is larger than ${IMAGE_MAX_BYTES / 1024 / 1024} MB`;
  return { mimeType: type, data: bytes.toString("base64") };
}
