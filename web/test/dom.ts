/**
 * A happy-dom window for component tests, installed as the few globals Vue and the app use and
 * removed after each file: other test files in the same `bun test` process must not see a `window`
 * (SDKs refuse to run "in a browser"). One window for the process: Vue keeps the first `document`.
 * Import this before anything that imports Vue, and call `useDom()` in the test file.
 */
import { afterAll } from "bun:test";
import { Window } from "happy-dom";

export const win = new Window({ url: "http://loom.test/" });

const NAMES = [
  "window",
  "document",
  "navigator",
  "location",
  "history",
  "Node",
  "Element",
  "HTMLElement",
  "SVGElement",
  "Text",
  "Comment",
  "DocumentFragment",
  "Event",
  "KeyboardEvent",
  "MouseEvent",
  "CustomEvent",
  "MutationObserver",
  "ResizeObserver",
  "getComputedStyle",
  "requestAnimationFrame",
  "cancelAnimationFrame",
  "sessionStorage",
  "localStorage",
  "matchMedia",
  "DOMParser",
  "NodeFilter",
  "HTMLTemplateElement",
  "HTMLFormElement",
  "HTMLInputElement",
  "HTMLSelectElement",
  "HTMLAnchorElement",
  "DocumentType",
  "NamedNodeMap",
  "HTMLDetailsElement",
  // v-model's text directive compares `el.getRootNode()` with these.
  "Document",
  "ShadowRoot",
] as const;

const saved = new Map<string, PropertyDescriptor | undefined>();
const g = globalThis as Record<string, unknown>;
const w = win as unknown as Record<string, unknown>;

function install(): void {
  for (const name of NAMES) {
    if (!saved.has(name)) saved.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
    const v = name === "window" ? win : w[name];
    Object.defineProperty(globalThis, name, {
      value: typeof v === "function" && /^[a-z]/.test(name) ? (v as () => unknown).bind(win) : v,
      configurable: true,
      writable: true,
    });
  }
}

function uninstall(): void {
  for (const [name, d] of saved) {
    if (d) Object.defineProperty(globalThis, name, d);
    else delete g[name];
  }
  saved.clear();
}

install();

export function useDom(): void {
  install();
  afterAll(uninstall);
}
