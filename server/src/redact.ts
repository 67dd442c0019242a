/**
 * The one redactor for text leaving the server (responses, error bodies, headers, log lines): every
 * configured secret in every encoding an upstream is likely to echo it in, and anything shaped like
 * a provider credential even when no secret matches it exactly (an upstream quoting a key partly, a
 * Vertex access token from application-default credentials).
 */

/** OpenAI/Anthropic `sk-…` keys (masked forms too), Google API keys, Google OAuth access tokens. */
const KEY_SHAPES = /\b(sk-[A-Za-z0-9_*.-]{6,}|AIza[A-Za-z0-9_-]{20,}|ya29\.[A-Za-z0-9_.-]{10,})/g;

/** Shorter secrets are not looked for: they would match ordinary text. */
const MIN_SECRET_LENGTH = 8;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

/**
 * One character as it may appear: itself (a run of backslashes before `"`, `\` or `/`, as JSON
 * escapes it once or more), percent-encoded (also twice: `%252F`), a JSON `\u` escape, or an HTML
 * character reference. Hex digits match in either case (the whole pattern is case-insensitive).
 */
function charForms(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  const forms = [c === "\\" ? "\\\\+" : `${'"/'.includes(c) ? "\\\\*" : ""}${escapeRegExp(c)}`];
  const utf8 = [...Buffer.from(c, "utf8")].map((b) => b.toString(16).padStart(2, "0"));
  forms.push(utf8.map((h) => `%(?:25)?${h}`).join(""));
  if (code <= 0xffff) forms.push(`\\\\+u${code.toString(16).padStart(4, "0")}`);
  forms.push(`&#x0*${code.toString(16)};`, `&#0*${code};`);
  return `(?:${forms.join("|")})`;
}

/**
 * The base64 text that encodes `secret` wherever it starts in a longer encoded string: for each of
 * the 3 byte offsets, only the characters made of the secret's bits alone (the edges mix in
 * neighbouring bytes). Standard and URL-safe alphabets.
 */
function base64Forms(secret: Buffer): string[] {
  const out = new Set<string>();
  for (const offset of [0, 1, 2]) {
    const b64 = Buffer.concat([Buffer.alloc(offset), secret])
      .toString("base64")
      .replace(/=+$/, "");
    const core = b64.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + secret.length) * 8) / 6));
    if (core.length < MIN_SECRET_LENGTH) continue;
    out.add(core);
    out.add(core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return [...out];
}

/** One case-insensitive pattern for every form of `secret`. */
function secretPattern(secret: string): RegExp {
  const bytes = Buffer.from(secret, "utf8");
  const forms = [
    [...secret].map(charForms).join(""), // raw, URL-encoded, JSON-escaped, HTML references, mixed
    ...base64Forms(bytes).map(escapeRegExp),
    bytes.toString("hex"),
  ];
  return new RegExp(forms.join("|"), "gi");
}

/**
 * Removes every known secret (and anything shaped like a provider key) from text that leaves the
 * server: upstream error messages can quote a key, even partly or encoded.
 * @example
 * const redact = createRedactor(() => [key]);
 * redact(`bad key ${encodeURIComponent(key)}`); // "bad key [redacted]"
 */
export function createRedactor(secrets: () => string[]): (text: string) => string {
  const patterns = new Map<string, RegExp>();
  const patternOf = (s: string) => {
    let p = patterns.get(s);
    if (!p) {
      p = secretPattern(s);
      patterns.set(s, p);
    }
    return p;
  };
  return (text) => {
    let out = text;
    for (const s of secrets()) {
      if (s.length < MIN_SECRET_LENGTH) continue;
      out = out.replace(patternOf(s), "[redacted]");
    }
    return out.replace(KEY_SHAPES, "[redacted]");
  };
}
