/**
 * Thread text → safe HTML: Markdown by marked, code coloured by highlight.js (a fixed set of
 * languages, to keep the bundle small), everything sanitised by DOMPurify before it reaches v-html.
 */
import DOMPurify from "dompurify";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import go from "highlight.js/lib/languages/go";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import python from "highlight.js/lib/languages/python";
import rust from "highlight.js/lib/languages/rust";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";
import { Marked } from "marked";

const languages = {
  bash,
  css,
  diff,
  go,
  javascript,
  json,
  markdown,
  python,
  rust,
  sql,
  typescript,
  xml,
  yaml,
};
for (const [name, lang] of Object.entries(languages)) hljs.registerLanguage(name, lang);
hljs.registerAliases(["sh", "shell", "zsh"], { languageName: "bash" });
hljs.registerAliases(["js", "jsx", "mjs"], { languageName: "javascript" });
hljs.registerAliases(["ts", "tsx"], { languageName: "typescript" });
hljs.registerAliases(["html", "vue", "svg"], { languageName: "xml" });
hljs.registerAliases(["py"], { languageName: "python" });
hljs.registerAliases(["yml"], { languageName: "yaml" });
hljs.registerAliases(["patch"], { languageName: "diff" });

const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Highlighted HTML for `code` (escaped plain text when the language is unknown). */
export function highlightCode(code: string, lang?: string): string {
  const name = lang?.trim().split(/\s+/)[0]?.toLowerCase();
  if (name && hljs.getLanguage(name)) return hljs.highlight(code, { language: name }).value;
  return escapeHtml(code);
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    code({ text, lang }) {
      const name = lang?.trim().split(/\s+/)[0] ?? "";
      const cls =
        name && hljs.getLanguage(name) ? ` class="hljs language-${escapeHtml(name)}"` : ' class="hljs"';
      return `<pre><code${cls}>${highlightCode(text, name)}</code></pre>\n`;
    },
    // The CSP loads images only from the server itself or data: URLs; anything else would draw an
    // empty box, so a Markdown image from elsewhere is a link to it.
    image({ href, text }) {
      if (isInlineImage(href)) return `<img src="${escapeHtml(href)}" alt="${escapeHtml(text)}">`;
      return `<a href="${escapeHtml(href)}">image: ${escapeHtml(text || href)}</a>`;
    },
  },
});

const isInlineImage = (src: string | null) => src !== null && /^data:image\/(png|gif|jpeg|webp);/i.test(src);

/** Rows scrolled back into view of a long thread are not parsed again. */
const cache = new Map<string, string>();
const CACHE_ENTRIES = 500;

/** The sanitised HTML of `src` when it was rendered before (cheap: for rows drawn again). */
export function cachedMarkdown(src: string): string | undefined {
  return cache.get(src);
}

/** Sanitised HTML of a Markdown string. Links open in a new tab without an opener. */
export function renderMarkdown(src: string): string {
  const hit = cache.get(src);
  if (hit !== undefined) return hit;
  const html = marked.parse(src, { async: false });
  const safe = DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    // The CSP allows inline styles (for xterm.js): no styling may come from a thread's text.
    FORBID_TAGS: ["style"],
    FORBID_ATTR: ["style"],
  });
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(src, safe);
  return safe;
}

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.hasAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
  if (node.tagName === "IMG") {
    // An image in a model's reply has no description to give; mark it decorative rather than unnamed.
    if (!node.hasAttribute("alt")) node.setAttribute("alt", "");
    // Raw HTML <img> from elsewhere would be blocked by the CSP and leave an empty line (the gap
    // seen between a code block and the next tool call): not loaded, not drawn.
    if (!isInlineImage(node.getAttribute("src"))) {
      node.removeAttribute("src");
      node.removeAttribute("srcset");
      node.setAttribute("hidden", "");
    }
  }
});
