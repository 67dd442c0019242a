/**
 * `loom login --server <url> --token <lt_…>`: checks the token against the server
 * (`GET /api/auth/me`) and saves it, mode 0600, in `<XDG config>/loom/credentials.json`.
 */
import { formatError } from "@loom/runtime/errors";
import { defineCommand } from "citty";
import { ExitError, UsageError } from "../cli.ts";

export default defineCommand({
  meta: { name: "login", description: "Log in to a Loom team server with an API token" },
  args: {
    server: { type: "string", description: "Server URL, e.g. https://loom.example.com", required: true },
    token: { type: "string", description: "API token (lt_…); default $LOOM_TOKEN" },
  },
  async run({ args }) {
    const token = (args.token ?? process.env.LOOM_TOKEN ?? "").trim();
    if (!token)
      throw new UsageError("give a token: --token lt_… (from `loom admin token create` on the server)");
    // Tokens are lt_ + base64url; anything else (a provider key, a pasted line with spaces) is a
    // mistake to report here, not a confusing network error later.
    if (!/^lt_[A-Za-z0-9_-]+$/.test(token))
      throw new UsageError("the token must look like lt_… (from `loom admin token create` on the server)");
    let url: URL;
    try {
      url = new URL(args.server);
    } catch {
      throw new UsageError(`--server is not a URL: ${args.server}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new UsageError(`--server must be an http:// or https:// URL, got ${args.server}`);
    const server = url.toString();
    const { normalizeServerUrl, writeCredentials } = await import("@loom/runtime/sync/credentials");
    const base = normalizeServerUrl(server);
    let res: Response;
    try {
      res = await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    } catch (e) {
      process.stderr.write(`loom: cannot reach ${base}: ${formatError(e)}\n`);
      throw new ExitError(1);
    }
    if (res.status === 401) {
      process.stderr.write(`loom: ${base} refused the token (invalid or revoked)\n`);
      throw new ExitError(1);
    }
    if (!res.ok) {
      process.stderr.write(`loom: ${base} answered ${res.status} to /api/auth/me\n`);
      throw new ExitError(1);
    }
    const me = (await res.json().catch(() => undefined)) as { userId?: unknown } | undefined;
    if (typeof me?.userId !== "string") {
      process.stderr.write(`loom: ${base} is not a Loom server (GET /api/auth/me gave no user)\n`);
      throw new ExitError(1);
    }
    const path = writeCredentials({ server: base, token, userId: me.userId });
    process.stdout.write(`logged in to ${base} as ${me.userId} (saved to ${path})\n`);
  },
});
