/**
 * The built web UI (web/dist) as a map of URL path → bytes. The single binary carries it in a module
 * scripts/build.ts generates (web-assets.gen.ts, base64, not committed); a source checkout serves
 * web/dist from disk when it has been built; otherwise there is none and `/` says how to build it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative } from "node:path";

export interface WebAsset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
}
export type WebAssets = Map<string, WebAsset>;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
};

export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/** Every file under `dir` keyed by its URL path (`/index.html`, `/assets/index-abc.js`); null if no index.html. */
export function webAssetsFromDir(dir: string): WebAssets | null {
  if (!existsSync(join(dir, "index.html"))) return null;
  const out: WebAssets = new Map();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else
        out.set(`/${relative(dir, p).split("\\").join("/")}`, {
          body: readFileSync(p),
          type: contentType(p),
        });
    }
  };
  walk(dir);
  return out;
}

export function webAssetsFromBase64(files: Record<string, string>): WebAssets {
  return new Map(
    Object.entries(files).map(([path, b64]) => [
      path,
      { body: Buffer.from(b64, "base64"), type: contentType(path) },
    ]),
  );
}

/** The source checkout's web/dist (newest while developing), else what the binary carries, else null. */
export async function loadWebAssets(
  dir = join(import.meta.dir, "../../../web/dist"),
): Promise<WebAssets | null> {
  const fromDisk = webAssetsFromDir(dir);
  if (fromDisk) return fromDisk;
  try {
    const gen = (await import("./web-assets.gen.js")) as { files: Record<string, string> };
    return webAssetsFromBase64(gen.files);
  } catch {
    return null;
  }
}
