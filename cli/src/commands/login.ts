/**
 * `loom login --server <url> [--token <lt_…>]`: with a token, checks it against the server
 * (`GET /api/auth/me`); without one, signs in with a device code (shows a code and a URL to approve
 * it at, polls until approved). Either way the token is saved, mode 0600, in
 * `<XDG config>/loom/credentials.json`.
 */
import { isLoomError } from "@loom/runtime/errors";
import { defineCommand } from "citty";
import { ExitError, UsageError } from "../cli.ts";

export default defineCommand({
  meta: {
    name: "login",
    description: "Log in to a Loom team server (device code in the browser, or --token)",
  },
  args: {
    server: { type: "string", description: "Server URL, e.g. https://loom.example.com", required: true },
    token: { type: "string", description: "API token (lt_…); default $LOOM_TOKEN" },
  },
  async run({ args }) {
    const token = (args.token ?? process.env.LOOM_TOKEN ?? "").trim();
    const { loginInputProblem, loginToServer, serverUrlProblem } = await import("../session/server-login.ts");
    const problem = token ? loginInputProblem(args.server, token) : serverUrlProblem(args.server);
    if (problem) throw new UsageError(problem);
    try {
      const { base, userId, path } = token
        ? await loginToServer(args.server, token)
        : await (await import("../session/device-login.ts")).deviceLogin(args.server, {
            print: (line) => process.stdout.write(`${line}\n`),
          });
      process.stdout.write(`logged in to ${base} as ${userId} (saved to ${path})\n`);
    } catch (e) {
      if (!isLoomError(e)) throw e;
      process.stderr.write(`loom: ${e.message}\n`);
      throw new ExitError(1);
    }
  },
});
