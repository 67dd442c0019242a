/** `loom whoami [--server <url>]`: who `LOOM_TOKEN`, else the saved credentials, sign in as. */
import { isLoomError } from "@loom/runtime/errors";
import { defineCommand } from "citty";
import { ExitError } from "../cli.ts";
import { terminalSafe } from "../terminal-safe.ts";
import { accountServer, serverArg } from "./account-server.ts";

export default defineCommand({
  meta: { name: "whoami", description: "Show who you are logged in as on a Loom team server" },
  args: serverArg,
  async run({ args }) {
    const { whoAmI } = await import("../session/server-account.ts");
    const base = await accountServer(args.server);
    try {
      const me = await whoAmI(base, process.env);
      const name = me.email ?? me.displayName ?? me.userId;
      const roles = me.roles.length ? ` [${me.roles.join(", ")}]` : "";
      const imp = me.impersonatedBy ? ` (impersonated by ${me.impersonatedBy})` : "";
      // The name and e-mail come from a sign-in provider's profile: printed without escapes.
      process.stdout.write(terminalSafe(`${name} (${me.userId}) on ${me.base}${roles}${imp}\n`));
    } catch (e) {
      if (!isLoomError(e)) throw e;
      process.stderr.write(`loom: ${terminalSafe(e.message)}\n`);
      throw new ExitError(1);
    }
  },
});
