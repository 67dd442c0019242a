/**
 * Calls to the team server's JSON API for commands like `loom org` and `loom apikey`: the server is
 * `--server`, else config `server.url`, else the only one logged in to; the credential is `LOOM_TOKEN` or the one `loom login` saved.
 * A failure is one line (the server's own error message) and exit 1.
 */
import { formatError } from "@loom/runtime/errors";
import { ExitError, UsageError } from "./cli.ts";
import { serverToken } from "./session/server-token.ts";
import { terminalSafe, terminalSafeDeep } from "./terminal-safe.ts";

export interface ServerApi {
  base: string;
  /** The `Authorization` header value (for streams and WebSockets the JSON helper does not cover). */
  authorization: string;
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/** `--server`, else config `server.url`, else the one server `loom login` saved credentials for. */
async function chooseServer(serverFlag: string | undefined): Promise<string> {
  const { normalizeServerUrl, credentialServers } = await import("@loom/runtime/sync/credentials");
  let server = serverFlag;
  if (!server) {
    const { loadConfig } = await import("@loom/runtime/config");
    server = loadConfig({}).config.server.url;
  }
  if (server) {
    const { serverUrlProblem } = await import("./session/server-login.ts");
    const problem = serverUrlProblem(server);
    if (problem) throw new UsageError(problem);
    return normalizeServerUrl(server);
  }
  const saved = credentialServers(process.env);
  if (saved.length === 1) return saved[0] as string;
  throw new UsageError(
    saved.length === 0
      ? "no server: pass --server URL, set server.url in config, or `loom login --server <url>` first"
      : `no server: logged in to several (${saved.join(", ")}), say which with --server`,
  );
}

export async function serverApi(serverFlag: string | undefined): Promise<ServerApi> {
  const base = await chooseServer(serverFlag);
  const token = serverToken(base, process.env);
  if (!token) throw new UsageError(`not logged in to ${base}: run \`loom login --server ${base}\``);
  return {
    base,
    authorization: `Bearer ${token.expose()}`,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token.expose()}`,
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (e) {
        process.stderr.write(`loom: cannot reach ${base}: ${formatError(e)}\n`);
        throw new ExitError(1);
      }
      const text = await res.text();
      if (!res.ok) {
        let message = `${res.status} ${res.statusText}`;
        try {
          message = (JSON.parse(text) as { error: { message: string } }).error.message ?? message;
        } catch {}
        // A refused credential: say how to get a good one.
        const hint = res.status === 401 ? ` (sign in again: loom login --server ${base})` : "";
        process.stderr.write(`loom: ${method} ${path}: ${terminalSafe(message)}${hint}\n`);
        throw new ExitError(1);
      }
      if (!text) return undefined as T;
      try {
        // What the server answers is printed (names, e-mails, titles other people chose): no escapes.
        return terminalSafeDeep(JSON.parse(text)) as T;
      } catch {
        process.stderr.write(
          `loom: ${method} ${path}: ${base} answered ${res.status} with something that is not JSON (is it a Loom server?)\n`,
        );
        throw new ExitError(1);
      }
    },
  };
}
