/**
 * Gitignore rules as a stack: one layer per directory that has a `.gitignore` (plus the root's
 * `.git/info/exclude`). Deeper layers override shallower ones; within a layer the last matching rule
 * wins. Each pattern compiles to one RegExp (through picomatch); a layer without negations is a single
 * combined RegExp, so a 100k-file walk costs a few milliseconds of matching.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import picomatch from "picomatch";

interface Rule {
  re: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

export interface IgnoreLayer {
  /** Directory of the ignore file, workspace-relative with `/`, "" for the root. */
  base: string;
  rules: Rule[];
  /** Set when the layer has no negations: one RegExp for all rules, one for directory-only rules. */
  any?: RegExp;
  dirs?: RegExp;
}

export function readIgnoreLayer(
  absDir: string,
  relDir: string,
  file = ".gitignore",
): IgnoreLayer | undefined {
  let text: string;
  try {
    text = readFileSync(join(absDir, file), "utf8");
  } catch {
    return undefined;
  }
  return compileIgnore(text, relDir);
}

export function compileIgnore(text: string, base = ""): IgnoreLayer {
  const rules: Rule[] = [];
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
    const glob = anchored ? line : `**/${line}`;
    rules.push({ re: picomatch.makeRe(glob, { dot: true }), negate, dirOnly });
  }
  const layer: IgnoreLayer = { base, rules };
  if (!rules.some((r) => r.negate)) {
    layer.any = union(rules.filter((r) => !r.dirOnly));
    layer.dirs = union(rules.filter((r) => r.dirOnly));
  }
  return layer;
}

function union(rules: Rule[]): RegExp | undefined {
  if (rules.length === 0) return undefined;
  return new RegExp(rules.map((r) => `(?:${r.re.source})`).join("|"));
}

/** Whether `rel` (workspace-relative, `/`-separated) is ignored by the layers that apply to it. */
export function isIgnored(layers: readonly IgnoreLayer[], rel: string, isDir: boolean): boolean {
  let ignored = false;
  for (const layer of layers) {
    const sub = layer.base === "" ? rel : rel.slice(layer.base.length + 1);
    if (layer.rules.length === 0) continue;
    if (layer.any !== undefined || layer.dirs !== undefined) {
      if (layer.any?.test(sub) || (isDir && layer.dirs?.test(sub))) ignored = true;
      continue;
    }
    for (let i = layer.rules.length - 1; i >= 0; i--) {
      const r = layer.rules[i]!;
      if (r.dirOnly && !isDir) continue;
      if (r.re.test(sub)) {
        ignored = !r.negate;
        break;
      }
    }
  }
  return ignored;
}
