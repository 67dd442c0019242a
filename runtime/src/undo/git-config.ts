/**
 * A reader for git's config file syntax (git-config(1) "CONFIGURATION FILE"): sections with
 * optional quoted subsections, case-insensitive names, quoted values with escapes, `#`/`;`
 * comments and backslash-newline continuations. Enough to read `remote.origin.url`,
 * `url.<base>.insteadOf` and `core.*` without starting a git process; anything it cannot parse
 * is reported so the caller can ask git itself.
 */

export interface ConfigEntry {
  /** Lower-cased section name (`remote`, `url`, `core`). */
  section: string;
  /** Case-sensitive subsection (`origin`); absent for `[core]`. */
  subsection?: string;
  /** Lower-cased variable name. */
  key: string;
  /** `true` for a bare `key` without `=`. */
  value: string | true;
}

export type ParsedConfig = { ok: true; entries: ConfigEntry[] } | { ok: false; reason: string };

const NAME = /[A-Za-z0-9-]/;
const SECTION_CHAR = /[A-Za-z0-9.-]/;

export function parseGitConfig(text: string): ParsedConfig {
  const entries: ConfigEntry[] = [];
  let i = 0;
  let section: string | undefined;
  let subsection: string | undefined;
  const at = (k = 0): string => text[i + k] ?? "";
  const fail = (reason: string): ParsedConfig => ({ ok: false, reason });
  const skipBlank = (): void => {
    while (at() === " " || at() === "\t" || at() === "\r") i++;
  };
  const skipComment = (): void => {
    while (i < text.length && at() !== "\n") i++;
  };

  while (i < text.length) {
    skipBlank();
    const c = at();
    if (c === "") break;
    if (c === "\n") {
      i++;
      continue;
    }
    if (c === "#" || c === ";") {
      skipComment();
      continue;
    }
    if (c === "[") {
      i++;
      let name = "";
      while (SECTION_CHAR.test(at())) name += text[i++];
      if (name === "") return fail("empty section name");
      subsection = undefined;
      if (at() === " " || at() === "\t") {
        skipBlank();
        if (at() !== '"') return fail("bad section header");
        i++;
        let sub = "";
        for (;;) {
          const d = at();
          if (d === "" || d === "\n") return fail("unterminated subsection");
          i++;
          if (d === '"') break;
          if (d === "\\") {
            const e = at();
            if (e === "" || e === "\n") return fail("bad escape in subsection");
            sub += e;
            i++;
          } else sub += d;
        }
        subsection = sub;
        if (at() !== "]") return fail("bad section header");
        i++;
        section = name.toLowerCase();
      } else {
        if (at() !== "]") return fail("bad section header");
        i++;
        // Deprecated `[section.subsection]`: the subsection is lower-cased.
        const dot = name.indexOf(".");
        section = (dot < 0 ? name : name.slice(0, dot)).toLowerCase();
        if (dot >= 0) subsection = name.slice(dot + 1).toLowerCase();
      }
      continue;
    }
    if (!/[A-Za-z]/.test(c)) return fail(`unexpected '${c}'`);
    if (section === undefined) return fail("variable outside a section");
    let key = "";
    while (NAME.test(at())) key += text[i++];
    skipBlank();
    const entry: ConfigEntry = { section, key: key.toLowerCase(), value: true };
    if (subsection !== undefined) entry.subsection = subsection;
    if (at() === "=") {
      i++;
      const v = readValue();
      if (v === undefined) return fail(`bad value for ${key}`);
      entry.value = v;
    } else if (at() === "#" || at() === ";") skipComment();
    else if (at() !== "\n" && at() !== "") return fail(`bad variable line for ${key}`);
    entries.push(entry);
  }
  return { ok: true, entries };

  /** From after `=` to the end of the (continued) line; undefined on a syntax error. */
  function readValue(): string | undefined {
    let out = "";
    let quoted = false;
    // Whitespace outside quotes counts only once something follows it.
    let pendingSpace = "";
    let started = false;
    for (;;) {
      const c = at();
      if (c === "" || c === "\n") {
        if (quoted) return undefined;
        return out;
      }
      i++;
      if (!quoted && (c === " " || c === "\t" || c === "\r")) {
        if (started) pendingSpace += c === "\r" ? "" : c;
        continue;
      }
      if (!quoted && (c === "#" || c === ";")) {
        skipComment();
        return out;
      }
      out += pendingSpace;
      pendingSpace = "";
      if (c === "\\") {
        const e = at();
        i++;
        if (e === "\n") continue;
        if (e === "\r" && at() === "\n") {
          i++;
          continue;
        }
        const esc: Record<string, string> = { n: "\n", t: "\t", b: "\b", "\\": "\\", '"': '"' };
        const v = esc[e];
        if (v === undefined) return undefined;
        out += v;
        started = true;
        continue;
      }
      if (c === '"') {
        quoted = !quoted;
        started = true;
        continue;
      }
      out += c;
      started = true;
    }
  }
}

/** Every value of `section[.subsection].key`, in file order. */
export function configValues(
  entries: ConfigEntry[],
  section: string,
  subsection: string | undefined,
  key: string,
) {
  return entries
    .filter((e) => e.section === section && e.subsection === subsection && e.key === key)
    .map((e) => e.value);
}
