/** Light/dark: the system's choice (prefers-color-scheme) until the user picks one with the toggle. */
export type Theme = "light" | "dark" | "system";
const KEY = "loom.theme";

export function storedTheme(): Theme {
  const v = globalThis.localStorage?.getItem(KEY);
  return v === "light" || v === "dark" ? v : "system";
}

export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === "system") delete root.dataset.theme;
  else root.dataset.theme = theme;
}

export function effectiveTheme(theme: Theme): "light" | "dark" {
  if (theme !== "system") return theme;
  return globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** The toggle flips the theme in effect and remembers the choice. */
export function toggleTheme(current: Theme): Theme {
  const next = effectiveTheme(current) === "dark" ? "light" : "dark";
  localStorage.setItem(KEY, next);
  applyTheme(next);
  return next;
}
