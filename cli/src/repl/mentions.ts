/**
 * `@path` mentions in a message: each names a file or directory of the workspace, whose content
 * (capped), listing or image is attached to the message. What may be read follows `readOwnFile`:
 * nothing outside the workspace (`..`, absolute paths, links out), no FIFOs or devices, at most
 * MENTION_MAX_BYTES of a file. What cannot be attached is said in a note and the text is sent
 * as typed.
 */
import { lstatSync, realpathSync, type Stats, statSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import { formatError } from "@loom/runtime/errors";
import type { ImagePart } from "@loom/runtime/llm";
import { readOwnFile } from "@loom/runtime/own-file";
import { isInside } from "@loom/runtime/workspace-path";

export const MENTION_MAX_BYTES = 100 * 1024;
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
export const LISTING_MAX_ENTRIES = 500;

const IMAGE_TYPES: Record<string, { mime: string; magic: (b: Buffer) => boolean }> = {
  png: { mime: "image/png", magic: (b) => b.subarray(0, 8).equals(Buffer.from("89504e470d0a1a0a", "hex")) },
  jpg: { mime: "image/jpeg", magic: (b) => b[0] === 0xff && b[1] === 0xd8 },
  jpeg: { mime: "image/jpeg", magic: (b) => b[0] === 0xff && b[1] === 0xd8 },
  gif: { mime: "image/gif", magic: (b) => b.subarray(0, 4).toString("latin1") === "GIF8" },
  webp: {
    mime: "image/webp",
    magic: (b) =>
      b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
  },
};

export interface Mention {
  /** As typed, `@` included. */
  raw: string;
  path: string;
}

export interface Attached {
  text: string;
  images: ImagePart[];
  /** One line per mention: what was attached, or why not. */
  notes: string[];
}

export interface AttachOptions {
  /** The model takes images (else an image mention is refused with a note). */
  images: boolean;
  /** Lists a directory (workspace-relative, "" for the root): names, directories ending in `/`. */
  listDir(rel: string): Promise<string[]>;
}

const MENTION = /(?<=^|\s)@(?:"([^"\n]+)"|([^\s"]+))/g;

export function findMentions(text: string): Mention[] {
  const out: Mention[] = [];
  for (const m of text.matchAll(MENTION)) out.push({ raw: m[0], path: m[1] ?? m[2]! });
  return out;
}

type Outcome =
  | { kind: "text"; ref: string; body: string; note: string }
  | { kind: "image"; image: ImagePart; note: string }
  | { kind: "skip"; note?: string };

export async function attachMentions(text: string, root: string, opts: AttachOptions): Promise<Attached> {
  const realRoot = realpathSync(root);
  const blocks: string[] = [];
  const images: ImagePart[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const m of findMentions(text)) {
    const o = await attachOne(m, realRoot, opts, seen);
    if (o.kind === "text") blocks.push(`<context ref="${o.ref}">\n${o.body}\n</context>`);
    if (o.kind === "image") images.push(o.image);
    if (o.note) notes.push(o.note);
  }
  return { text: blocks.length ? `${text}\n\n${blocks.join("\n\n")}` : text, images, notes };
}

async function attachOne(m: Mention, root: string, opts: AttachOptions, seen: Set<string>): Promise<Outcome> {
  // `see @notes.txt.` : punctuation after the path is not part of it when the path without it exists.
  let path = m.path;
  let st = lstatOf(resolve(root, path));
  const bare = path.replace(/[.,;:!?)\]]+$/, "");
  if (!st && bare !== path && bare) {
    path = bare;
    st = lstatOf(resolve(root, path));
  }
  const abs = resolve(root, path);
  if (path.startsWith("~") || !isInside(root, abs)) return refuse(m, "it is outside the workspace");
  if (!st) return /[/.]/.test(path) ? refuse(m, "no such file in the workspace") : { kind: "skip" };
  // Links anywhere along the path count: what is read is where the path really leads.
  let real: string;
  try {
    real = realpathSync(abs);
  } catch {
    return refuse(m, "it is a dangling link");
  }
  if (!isInside(root, real)) return refuse(m, "it is a link out of the workspace");
  st = statSync(real);
  const rel = relative(root, real).split(sep).join("/");
  if (seen.has(rel)) return { kind: "skip" };
  seen.add(rel);
  if (st.isDirectory()) return listing(m, rel, opts);
  if (!st.isFile()) return refuse(m, "it is not a regular file");
  const ext = rel.slice(rel.lastIndexOf(".") + 1).toLowerCase();
  const image = IMAGE_TYPES[ext];
  if (image) return imageOf(m, abs, root, image, opts);
  return fileText(m, abs, rel, root);
}

async function listing(m: Mention, rel: string, opts: AttachOptions): Promise<Outcome> {
  const names = await opts.listDir(rel);
  const shown = names.slice(0, LISTING_MAX_ENTRIES);
  const more = names.length - shown.length;
  const ref = rel === "" ? "./" : `${rel}/`;
  const body = [...shown, ...(more > 0 ? [`… ${more} more entries not listed`] : [])].join("\n");
  return { kind: "text", ref, body, note: `attached ${m.raw} (listing, ${names.length} entries)` };
}

function imageOf(
  m: Mention,
  abs: string,
  root: string,
  type: { mime: string; magic: (b: Buffer) => boolean },
  opts: AttachOptions,
): Outcome {
  if (!opts.images) return refuse(m, "this model does not take images");
  let f: ReturnType<typeof readOwnFile>;
  try {
    f = readOwnFile(abs, { root, maxBytes: IMAGE_MAX_BYTES });
  } catch (e) {
    return refuse(m, reason(e));
  }
  if (!f) return refuse(m, "no such file in the workspace");
  if (f.truncated) return refuse(m, `the image is larger than ${IMAGE_MAX_BYTES / 1024 / 1024} MB`);
  if (!type.magic(f.bytes)) return refuse(m, `it is not a ${type.mime.slice(6).toUpperCase()} image`);
  return {
    kind: "image",
    image: { mimeType: type.mime, data: f.bytes.toString("base64") },
    note: `attached ${m.raw} (image, ${size(f.bytes.length)})`,
  };
}

function fileText(m: Mention, abs: string, rel: string, root: string): Outcome {
  let f: ReturnType<typeof readOwnFile>;
  try {
    f = readOwnFile(abs, { root, maxBytes: MENTION_MAX_BYTES });
  } catch (e) {
    return refuse(m, reason(e));
  }
  if (!f) return refuse(m, "no such file in the workspace");
  if (f.bytes.subarray(0, 8000).includes(0)) return refuse(m, "it is a binary file");
  let body = f.bytes.toString("utf8");
  let note = `attached ${m.raw} (${size(f.bytes.length)})`;
  if (f.truncated) {
    body += `\n[… cut: the first ${size(MENTION_MAX_BYTES)} of ${size(f.stat.size)}]`;
    note = `attached ${m.raw} (the first ${size(MENTION_MAX_BYTES)} of ${size(f.stat.size)})`;
  }
  return { kind: "text", ref: rel, body, note };
}

function lstatOf(abs: string): Stats | undefined {
  try {
    return lstatSync(abs);
  } catch {
    return undefined;
  }
}

const refuse = (m: Mention, why: string): Outcome => ({
  kind: "skip",
  note: `${m.raw} not attached: ${why}`,
});

/** readOwnFile's refusal without the path it starts with (the note names the mention). */
function reason(e: unknown): string {
  const msg = formatError(e);
  const at = msg.indexOf("not read: ");
  return at >= 0 ? msg.slice(at + "not read: ".length) : msg;
}

function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
