/**
 * `loom serve`: the team server (LLM proxy, threads, auth) on 127.0.0.1:8080 unless told otherwise.
 * Provider keys come from the server's environment (ANTHROPIC_API_KEY or ANTHROPIC_API_KEY_FILE, …).
 */
import { defineCommand } from "citty";
import { UsageError } from "../cli.ts";

export default defineCommand({
  meta: { name: "serve", description: "Run the Loom team server (LLM proxy, thread sync, auth)" },
  args: {
    host: {
      type: "string",
      description: "Address to listen on (default 127.0.0.1, or server.host in config)",
    },
    port: {
      type: "string",
      description: "Port (default 8080, or server.port in config; 0 picks a free one)",
    },
    database: {
      type: "string",
      description:
        "postgres://user:password@host/db to share one PostgreSQL database between replicas, or sqlite:PATH (default: the SQLite file; also LOOM_SERVER_DATABASE_URL[_FILE], server.database_url)",
    },
  },
  async run({ args }) {
    const flags: Record<string, unknown> = {};
    if (typeof args.host === "string") flags.host = args.host;
    if (typeof args.port === "string") {
      // Digits only: Number("") is 0, which would quietly pick a random port.
      const port = /^\d{1,5}$/.test(args.port.trim()) ? Number(args.port) : Number.NaN;
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port must be 0-65535, got "${args.port}"`);
      flags.port = port;
    }
    if (typeof args.database === "string") {
      if (!args.database.trim()) throw new UsageError("--database needs postgres://… or sqlite:PATH");
      flags.database_url = args.database;
    }
    const { loadConfig } = await import("@loom/runtime/config");
    const { config } = loadConfig({
      flags: { server: flags },
      flagNames: { "server.host": "--host", "server.port": "--port", "server.database_url": "--database" },
    });
    const { startServer } = await import("@loom/server/serve");
    const server = await startServer({
      host: config.server.host,
      port: config.server.port,
      databaseUrl: config.server.database_url,
      publicUrl: config.server.public_url,
      auth: config.auth,
      weavers: config.weavers,
    });
    process.stdout.write(`loom server listening on ${server.url} (database ${server.database})\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        void server.stop().then(resolve);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
  },
});
