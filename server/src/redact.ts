/**
 * The one redactor for text leaving the server (responses, error bodies, headers, log lines): every
 * configured secret, and anything shaped like a provider credential even when no secret matches it
 * exactly (an upstream quoting a key partly, a Vertex access token from application-default credentials).
 */

/** OpenAI/Anthropic `sk-…` keys (masked forms too), Google API keys, Google OAuth access tokens. */
const KEY_SHAPES = /\b(sk-[A-Za-z0-9_*.-]{6,}|AIza[A-Za-z0-9_-]{20,}|ya29\.[A-Za-z0-9_.-]{10,})/g;

/**
 * Removes every known secret (and anything shaped like a provider key) from text that leaves the
 * server: upstream error messages can quote a key, even partly.
 */
export function createRedactor(secrets: () => string[]): (text: string) => string {
  return (text) => {
    let out = text;
    for (const s of secrets()) {
      if (s.length < 8) continue;
      // As-is, and as it reads inside a JSON string (a log line, an error body) if that differs.
      for (const form of new Set([s, JSON.stringify(s).slice(1, -1)]))
        out = out.split(form).join("[redacted]");
    }
    return out.replace(KEY_SHAPES, "[redacted]");
  };
}
