/** `loom logout [--server <url>]`: revokes the saved session on the server and deletes it locally. */
import { isLoomError } from "@loom/runtime/errors";
import { defineCommand } from "citty";
import { UsageError } from "../cli.ts";
import { accountServer, serverArg } from "./account-server.ts";

export default defineCommand({
  meta: { name: "logout", description: "Log out of a Loom team server (revoke and forget the token)" },
  args: serverArg,
  async run({ args }) {
    const { logout } = await import("../session/server-account.ts");
    const base = await accountServer(args.server);
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
