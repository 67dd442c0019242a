/**
 * `loom admin …`: server administration run on the server host; opens the server database directly
 * (LOOM_SERVER_DB_PATH or `<XDG data>/loom/server.db`).
 */
import { defineCommand } from "citty";
import { UsageError } from "../cli.ts";

async function db() {
  const { openServerDb, serverDbPath } = await import("@loom/server/serve");
  return openServerDb(serverDbPath(process.env));
}

const create = defineCommand({
  meta: { name: "create", description: "Create an API token and print it (shown once)" },
  args: {
    name: {
      type: "string",
      description: "A name for the token (e.g. the person or machine)",
      required: true,
    },
    user: { type: "string", description: "User id the token acts for (default: the name)" },
    "rate-limit": {
      type: "string",
      description: "Proxy requests per minute for this token (default: the server's)",
    },
  },
  async run({ args }) {
    if (!args.name?.trim()) throw new UsageError("--name must not be empty");
    // `token list` prints tab-separated lines: a name or user with control characters would break them.
    for (const [flag, v] of [
      ["--name", args.name],
      ["--user", args.user],
    ] as const)
      if (v && /[\u0000-\u001f\u007f]/.test(v))
        throw new UsageError(`${flag} must not contain control characters`);
    const rate = args["rate-limit"] === undefined ? undefined : Number(args["rate-limit"]);
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 1)) {
      throw new UsageError(`--rate-limit must be a positive integer, got "${args["rate-limit"]}"`);
    }
    const { createToken } = await import("@loom/server/tokens");
    const d = await db();
    const made = createToken(d, {
      name: args.name,
      ...(args.user ? { userId: args.user } : {}),
      ...(rate === undefined ? {} : { rateLimitPerMinute: rate }),
    });
    d.$client.close();
    process.stderr.write(
      `created token ${made.id} for ${made.userId}; store it now, it is not shown again\n`,
    );
    process.stdout.write(`${made.token}\n`);
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List API tokens (never their secrets)" },
  async run() {
    const { listTokens } = await import("@loom/server/tokens");
    const d = await db();
    for (const t of listTokens(d)) {
      const limit = t.rateLimitPerMinute === null ? "default" : `${t.rateLimitPerMinute}/min`;
      const state = t.revokedAt ? `revoked ${t.revokedAt}` : "active";
      process.stdout.write(`${t.id}\t${t.name}\t${t.userId}\t${t.createdAt}\t${limit}\t${state}\n`);
    }
    d.$client.close();
  },
});

const revoke = defineCommand({
  meta: { name: "revoke", description: "Revoke an API token by id" },
  args: { id: { type: "positional", description: "Token id (tok_…)", required: true } },
  async run({ args }) {
    const { revokeToken } = await import("@loom/server/tokens");
    const d = await db();
    const ok = revokeToken(d, String(args.id));
    d.$client.close();
    if (!ok) throw new UsageError(`no active token ${args.id}`);
    process.stdout.write(`revoked ${args.id}\n`);
  },
});

export default defineCommand({
  meta: { name: "admin", description: "Server administration (run on the server host)" },
  subCommands: {
    token: defineCommand({
      meta: { name: "token", description: "Manage API tokens" },
      subCommands: { create, list, revoke },
    }),
  },
});
