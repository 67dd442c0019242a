/**
 * `loom admin …`: server administration run on the server host; opens the server database directly
 * (`LOOM_SERVER_DATABASE_URL[_FILE]` for Postgres, else LOOM_SERVER_DB_PATH or `<XDG data>/loom/server.db`).
 */
import { defineCommand } from "citty";
import { UsageError } from "../cli.ts";

/** The server's token store, on whichever database it runs (the same settings as `loom serve`). */
async function tokenStore() {
  const { openServerDb, serverDatabase, openServerPg } = await import("@loom/server/serve");
  const where = serverDatabase(process.env);
  if (where.kind === "sqlite") {
    const { sqliteTokens } = await import("@loom/server/tokens");
    const d = openServerDb(where.path);
    return { tokens: sqliteTokens(d), close: async () => d.$client.close() };
  }
  const { silentLogger } = await import("@loom/server/logger");
  const b = await openServerPg(where.url, { clock: () => new Date(), log: silentLogger, max: 2 });
  return { tokens: b.tokens, close: () => b.close() };
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
      // The name is the user id when --user is absent, and the server's routes take ids of at most 100.
      else if (v && v.length > 100)
        throw new UsageError(`${flag} must be at most 100 characters (got ${v.length})`);
    const rate = args["rate-limit"] === undefined ? undefined : Number(args["rate-limit"]);
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 1)) {
      throw new UsageError(`--rate-limit must be a positive integer, got "${args["rate-limit"]}"`);
    }
    const d = await tokenStore();
    const made = await d.tokens.create({
      name: args.name,
      ...(args.user ? { userId: args.user } : {}),
      ...(rate === undefined ? {} : { rateLimitPerMinute: rate }),
    });
    await d.close();
    process.stderr.write(
      `created token ${made.id} for ${made.userId}; store it now, it is not shown again\n`,
    );
    process.stdout.write(`${made.token}\n`);
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List API tokens (never their secrets)" },
  async run() {
    const d = await tokenStore();
    for (const t of await d.tokens.list()) {
      const limit = t.rateLimitPerMinute === null ? "default" : `${t.rateLimitPerMinute}/min`;
      const state = t.revokedAt ? `revoked ${t.revokedAt}` : "active";
      process.stdout.write(`${t.id}\t${t.name}\t${t.userId}\t${t.createdAt}\t${limit}\t${state}\n`);
    }
    await d.close();
  },
});

const revoke = defineCommand({
  meta: { name: "revoke", description: "Revoke an API token by id" },
  args: { id: { type: "positional", description: "Token id (tok_…)", required: true } },
  async run({ args }) {
    const d = await tokenStore();
    const ok = await d.tokens.revoke(String(args.id));
    await d.close();
    if (!ok) throw new UsageError(`no active token ${args.id}`);
    process.stdout.write(`revoked ${args.id}\n`);
  },
});

const migrateDbCommand = defineCommand({
  meta: {
    name: "migrate-db",
    description: "Copy a SQLite server's data into PostgreSQL and verify it (safe to rerun)",
  },
  args: {
    from: { type: "string", description: "sqlite:PATH of the server database to copy", required: true },
    to: { type: "string", description: "postgres://user:password@host/db to copy into", required: true },
  },
  async run({ args }) {
    if (!/^sqlite:./.test(args.from ?? "")) throw new UsageError("--from must be sqlite:PATH");
    if (!/^postgres(ql)?:\/\//i.test(args.to ?? "")) throw new UsageError("--to must be postgres://…");
    const { migrateDb } = await import("@loom/server/migrate-db");
    const { redactDbUrl } = await import("@loom/server/serve");
    const { LoomError } = await import("@loom/runtime/errors");
    let reports: Awaited<ReturnType<typeof migrateDb>>;
    try {
      // Progress on stderr (stdout keeps the report): a line per table copied, and one before verifying.
      let verifying = false;
      reports = await migrateDb({
        from: args.from,
        to: args.to,
        progress: (p) => {
          if (p.step === "copy" && p.copied === p.total)
            process.stderr.write(`copied ${p.table} (${p.total} rows)\n`);
          else if (p.step === "verify" && !verifying) {
            verifying = true;
            process.stderr.write("verifying the copy…\n");
          }
        },
      });
    } catch (e) {
      if (e instanceof LoomError) throw e;
      const msg = (e instanceof Error ? e.message : String(e))
        .split("\n")[0]
        ?.replaceAll(args.to, redactDbUrl(args.to));
      throw new LoomError("CONFIG_INVALID", `migrate-db to ${redactDbUrl(args.to)}: ${msg}`);
    }
    for (const r of reports)
      process.stdout.write(
        `${r.table}\t${r.rows} rows\tsha256 ${r.checksum.slice(0, 16)}\t${r.ok ? "verified" : "MISMATCH"}\n`,
      );
    const bad = reports.filter((r) => !r.ok);
    if (bad.length > 0)
      throw new LoomError(
        "CONFLICT",
        `the copy differs from the source in ${bad.map((r) => r.table).join(", ")}`,
      );
  },
});

export default defineCommand({
  meta: { name: "admin", description: "Server administration (run on the server host)" },
  subCommands: {
    "migrate-db": migrateDbCommand,
    token: defineCommand({
      meta: { name: "token", description: "Manage API tokens" },
      subCommands: { create, list, revoke },
    }),
  },
});
