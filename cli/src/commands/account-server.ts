/** The team server `loom whoami` and `loom logout` talk to: `--server`, else `[server] url`, else the one logged in to. */
import { isLoomError } from "@loom/runtime/errors";
import { UsageError } from "../cli.ts";

export const serverArg = {
  server: { type: "string", description: "Server URL (default [server] url, or the one logged in to)" },
} as const;

/** The server's base URL; a bad or missing choice is a usage error. */
export async function accountServer(arg: string | undefined): Promise<string> {
  const { pickServer } = await import("../session/server-account.ts");
  const { loadConfig } = await import("@loom/runtime/config");
  try {
    return pickServer(arg, loadConfig({}).config.server.url, process.env);
  } catch (e) {
    if (isLoomError(e)) throw new UsageError(e.message);
    throw e;
  }
}
