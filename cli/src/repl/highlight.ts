/**
 * Syntax highlighting for the terminal: highlight.js (core plus the languages agents write most)
 * turned into ANSI foreground colours, one self-contained string per line (each coloured piece
 * opens and closes its own colour), so a caller can indent, number or tint lines freely.
 * Loaded only with the Markdown renderer, on a turn's first output: never at start-up.
 */
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import csharp from "highlight.js/lib/languages/csharp";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import dockerfile from "highlight.js/lib/languages/dockerfile";
import go from "highlight.js/lib/languages/go";
import ini from "highlight.js/lib/languages/ini";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import kotlin from "highlight.js/lib/languages/kotlin";
import lua from "highlight.js/lib/languages/lua";
import makefile from "highlight.js/lib/languages/makefile";
import markdown from "highlight.js/lib/languages/markdown";
import php from "highlight.js/lib/languages/php";
import python from "highlight.js/lib/languages/python";
import ruby from "highlight.js/lib/languages/ruby";
import rust from "highlight.js/lib/languages/rust";
import scss from "highlight.js/lib/languages/scss";
import shell from "highlight.js/lib/languages/shell";
import sql from "highlight.js/lib/languages/sql";
import swift from "highlight.js/lib/languages/swift";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

const LANGUAGES = {
  bash,
  c,
  cpp,
  csharp,
  css,
  diff,
  dockerfile,
  go,
  ini,
  java,
  javascript,
  json,
  kotlin,
  lua,
  makefile,
  markdown,
  php,
  python,
  ruby,
  rust,
  scss,
  shell,
  sql,
  swift,
  typescript,
  xml,
  yaml,
};
for (const [name, fn] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, fn);

/** Extensions and names highlight.js has no alias for. */
const EXTRA: Record<string, string> = {
  tsx: "typescript",
  mts: "typescript",
  cts: "typescript",
  jsx: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  jsonc: "json",
  zsh: "bash",
  h: "c",
  hpp: "cpp",
  svelte: "xml",
  vue: "xml",
  dockerfile: "dockerfile",
  makefile: "makefile",
};

/** The highlight.js language for a fence's info string (`ts`, `python`) or a file path, if known. */
export function languageFor(nameOrPath: string): string | undefined {
  const base = nameOrPath.trim().split(/\s/)[0]!.split("/").pop()!.toLowerCase();
  const ext = base.includes(".") ? base.slice(base.lastIndexOf(".") + 1) : base;
  for (const key of [base, ext]) {
    if (!key) continue;
    const extra = EXTRA[key];
    if (extra) return extra;
    if (hljs.getLanguage(key)) return key;
  }
  return undefined;
}

/** SGR foreground colour per highlight.js scope (its first class name, without `hljs-`). */
const COLOURS: Record<string, number> = {
  keyword: 35,
  "selector-tag": 35,
  doctag: 35,
  built_in: 36,
  type: 36,
  class: 36,
  "title.class_": 36,
  literal: 33,
  number: 33,
  symbol: 33,
  bullet: 33,
  string: 32,
  regexp: 32,
  "selector-attr": 32,
  "template-tag": 32,
  addition: 32,
  deletion: 31,
  attr: 31,
  attribute: 31,
  "variable.language": 31,
  title: 34,
  "title.function_": 34,
  section: 34,
  name: 34,
  "selector-id": 34,
  "selector-class": 34,
  comment: 90,
  quote: 90,
  meta: 90,
};

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#x27;": "'",
};
const decodeEntities = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#x27);/g, (e) => ENTITIES[e] ?? e);

function colourOf(classes: string): number | undefined {
  // `hljs-title function_` → "title.function_", then "title".
  const names = classes.split(" ").map((c) => c.replace(/^hljs-/, ""));
  const dotted = names.join(".");
  return COLOURS[dotted] ?? COLOURS[names[0] ?? ""];
}

/**
 * `code` as lines, coloured when `enabled` and the language is known; otherwise the lines as they are.
 * @example highlightLines("const a = 1", "ts", true) // ["\x1b[35mconst\x1b[39m a = \x1b[33m1\x1b[39m"]
 */
export function highlightLines(code: string, language: string | undefined, enabled: boolean): string[] {
  const lang = language ? languageFor(language) : undefined;
  if (!enabled || !lang) return code.split("\n");
  let html: string;
  try {
    html = hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
  } catch {
    return code.split("\n");
  }
  const lines: string[] = [""];
  const stack: (number | undefined)[] = [];
  const emit = (text: string) => {
    const colour = stack.findLast((c) => c !== undefined);
    text.split("\n").forEach((piece, i) => {
      if (i > 0) lines.push("");
      if (piece) lines[lines.length - 1] += colour === undefined ? piece : `\x1b[${colour}m${piece}\x1b[39m`;
    });
  };
  for (const m of html.matchAll(/<span class="([^"]*)">|<\/span>|[^<]+/g)) {
    if (m[1] !== undefined) stack.push(colourOf(m[1]));
    else if (m[0] === "</span>") stack.pop();
    else emit(decodeEntities(m[0]));
  }
  return lines;
}
