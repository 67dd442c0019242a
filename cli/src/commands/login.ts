/**
 * `loom login --server <url> --token <lt_…>`: checks the token against the server
 * (`GET /api/auth/me`) and saves it, mode 0600, in `<XDG config>/loom/credentials.json`.
 */
import { isLoomError } from "@loom/runtime/errors";
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
    const { loginInputProblem, loginToServer } = await import("../session/server-login.ts");
    const problem = loginInputProblem(args.server, token);
    if (problem) throw new UsageError(problem);
    try {
      const { base, userId, path } = await loginToServer(args.server, token);
      process.stdout.write(`logged in to ${base} as ${userId} (saved to ${path})\n`);
    } catch (e) {
      if (!isLoomError(e)) throw e;
      process.stderr.write(`loom: ${e.message}\n`);
      throw new ExitError(1);
    }
  },
});
