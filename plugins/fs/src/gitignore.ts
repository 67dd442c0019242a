/**
 * Gitignore rules as a stack: one layer per directory that has a `.gitignore` (plus the root's
 * `.git/info/exclude`). Deeper layers override shallower ones; within a layer the last matching rule
 * wins. Each pattern compiles to one RegExp (through picomatch); a layer without negations is a single
 * combined RegExp, so a 100k-file walk costs a few milliseconds of matching.
 */
import { join } from "node:path";
import { type OwnFileHandle, openOwnFile } from "@loom/runtime/own-file";
import picomatch from "picomatch";
import { RACY_MS } from "./dir-cache.ts";

/**
 * What a set of patterns matches. Patterns without a slash match the entry's name at any depth, so
 * they are tested against the name alone: exact names by Set lookup, `*.ext` by suffix, the rest by
 * one RegExp; patterns with a slash are tested against the path below the ignore file's directory.
 */
interface Matcher {
  names: Set<string>;
  suffixes: string[];
  nameRes: RegExp[];
  pathRes: RegExp[];
  nameRe?: RegExp;
  pathRe?: RegExp;
}

interface Rule {
  negate: boolean;
  dirOnly: boolean;
  matcher: Matcher;
}

export interface IgnoreLayer {
  /** Directory of the ignore file, workspace-relative with `/`, "" for the root. */
  base: string;
  rules: Rule[];
  /** Set when the layer has no negations: all rules merged, and the directory-only ones merged. */
  any?: Matcher;
  dirs?: Matcher;
}

const GLOB_CHARS = /[*?[\\]/;
const SUFFIX_GLOB = /^\*[^*?[\\/]+$/;

function emptyMatcher(): Matcher {
  return { names: new Set(), suffixes: [], nameRes: [], pathRes: [] };
}

function addPattern(m: Matcher, pattern: string, anchored: boolean): void {
  if (anchored) m.pathRes.push(picomatch.makeRe(pattern, { dot: true }));
  else if (!GLOB_CHARS.test(pattern)) m.names.add(pattern);
  else if (SUFFIX_GLOB.test(pattern)) m.suffixes.push(pattern.slice(1));
  else m.nameRes.push(picomatch.makeRe(pattern, { dot: true }));
}

function seal(m: Matcher): Matcher {
  const union = (res: RegExp[]) =>
    res.length === 0 ? undefined : new RegExp(res.map((r) => `(?:${r.source})`).join("|"));
  const nameRe = union(m.nameRes);
  const pathRe = union(m.pathRes);
  if (nameRe) m.nameRe = nameRe;
  if (pathRe) m.pathRe = pathRe;
  return m;
}

function matches(m: Matcher, sub: string, name: string): boolean {
  if (m.names.has(name)) return true;
  for (const s of m.suffixes) if (name.endsWith(s)) return true;
  return (m.nameRe?.test(name) ?? false) || (m.pathRe?.test(sub) ?? false);
}

const layerCache = new Map<string, { stamp: string; layer: IgnoreLayer }>();
const MAX_CACHED_LAYERS = 10_000;
/** Larger ignore files are cut at this size (at the last whole line). */
export const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

/**
 * The compiled ignore file `absDir/file`, or undefined when there is none or it may not be read.
 * The file is opened through `openOwnFile`: it must be a regular file inside `root` (a FIFO, a device
 * or a link out of the workspace counts as no file), a `.gitignore` that is a symlink is not followed
 * at all (as git does), and at most MAX_IGNORE_FILE_BYTES are read. Compiled layers are reused while
 * the file's (mtime, ctime, size, inode) stay the same, under the same racy rule as dir-cache.ts, so an
 * unchanged layer is the same object and walks can cache what it filtered.
 */
export function readIgnoreLayer(
  root: string,
  absDir: string,
  relDir: string,
  file = ".gitignore",
  now = Date.now(),
): IgnoreLayer | undefined {
  const path = join(absDir, file);
  let handle: OwnFileHandle | undefined;
  try {
    handle = openOwnFile(path, { root, maxBytes: MAX_IGNORE_FILE_BYTES, noFollow: file === ".gitignore" });
  } catch {
    handle = undefined;
  }
  if (handle === undefined) {
    layerCache.delete(path);
    return undefined;
  }
  try {
    const st = handle.stat;
    const stamp = `${st.mtimeMs}:${st.ctimeMs}:${st.size}:${st.ino}:${relDir}`;
    const hit = layerCache.get(path);
    if (hit?.stamp === stamp) return hit.layer;
    const { bytes, truncated } = handle.read();
    let text = bytes.toString("utf8");
    if (truncated) text = text.slice(0, text.lastIndexOf("\n") + 1);
    const layer = compileIgnore(text, relDir);
    if (now - Math.max(st.mtimeMs, st.ctimeMs) > RACY_MS) {
      if (layerCache.size >= MAX_CACHED_LAYERS) layerCache.clear();
      layerCache.set(path, { stamp, layer });
    } else {
      layerCache.delete(path);
    }
    return layer;
  } catch {
    layerCache.delete(path);
    return undefined;
  } finally {
    handle.close();
  }
}

export function compileIgnore(text: string, base = ""): IgnoreLayer {
  const rules: Rule[] = [];
  const any = emptyMatcher();
  const dirs = emptyMatcher();
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/(?<!\\)\s+$/, "");
    if (line === "" || line.startsWith("#")) continue;
    const negate = line.startsWith("!");
    if (negate) line = line.slice(1);
    if (line.startsWith("\\#") || line.startsWith("\\!")) line = line.slice(1);
    const dirOnly = line.endsWith("/");
    if (dirOnly) line = line.slice(0, -1);
    if (line === "") continue;
    const anchored = line.includes("/");
    if (line.startsWith("/")) line = line.slice(1);
    const own = emptyMatcher();
    addPattern(own, line, anchored);
    rules.push({ negate, dirOnly, matcher: seal(own) });
    addPattern(dirOnly ? dirs : any, line, anchored);
  }
  const layer: IgnoreLayer = { base, rules };
  if (!rules.some((r) => r.negate)) {
    layer.any = seal(any);
    layer.dirs = seal(dirs);
  }
  return layer;
}

/** Whether `rel` (workspace-relative, `/`-separated) is ignored by the layers that apply to it. */
export function isIgnored(layers: readonly IgnoreLayer[], rel: string, isDir: boolean): boolean {
  const name = rel.slice(rel.lastIndexOf("/") + 1);
  let ignored = false;
  for (const layer of layers) {
    if (layer.rules.length === 0) continue;
    const sub = layer.base === "" ? rel : rel.slice(layer.base.length + 1);
    if (layer.any !== undefined && layer.dirs !== undefined) {
      if (matches(layer.any, sub, name) || (isDir && matches(layer.dirs, sub, name))) ignored = true;
      continue;
    }
    for (let i = layer.rules.length - 1; i >= 0; i--) {
      const r = layer.rules[i]!;
      if (r.dirOnly && !isDir) continue;
      if (matches(r.matcher, sub, name)) {
        ignored = !r.negate;
        break;
      }
    }
  }
  return ignored;
}
