/** `loom logout [--server <url>]`: revokes the saved session on the server and deletes it locally. */
import { isLoomError } from "@loom/runtime/errors";
import { defineCommand } from "citty";
import { UsageError } from "../cli.ts";

export default defineCommand({
  meta: { name: "logout", description: "Log out of a Loom team server (revoke and forget the token)" },
  args: {
    server: { type: "string", description: "Server URL (default [server] url, or the one logged in to)" },
  },
  async run({ args }) {
    const { logout, pickServer } = await import("../session/server-account.ts");
    const { loadConfig } = await import("@loom/runtime/config");
    let base: string;
    try {
      base = pickServer(args.server, loadConfig({}).config.server.url, process.env);
    } catch (e) {
      if (isLoomError(e)) throw new UsageError(e.message);
      throw e;
    }
    try {
      const { revoked } = await logout(base, process.env);
      process.stdout.write(
        revoked
          ? `logged out of ${base} (session revoked, token deleted)\n`
          : `logged out of ${base} (token deleted here; an lt_ API token stays valid on the server until revoked there)\n`,
      );
    } catch (e) {
      if (!isLoomError(e)) throw e;
      throw new UsageError(e.message);
    }
  },
});
