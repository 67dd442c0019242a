/**
 * `loom acp-agent`: Loom as an Agent Client Protocol agent on stdin/stdout, for editors (Zed,
 * Neovim, JetBrains, the Loom VS Code extension). Diagnostics go to stderr.
 */
import { defineCommand } from "citty";
import { ExitError, UsageError } from "../cli.ts";
import { sessionArgs } from "../session/global-flags.ts";

export default defineCommand({
  meta: {
    name: "acp-agent",
    description: "Serve the Agent Client Protocol on stdio (for editors); sessions are Loom threads",
  },
  args: {
    provider: sessionArgs.provider,
    model: sessionArgs.model,
    "permission-mode": sessionArgs["permission-mode"],
    sandbox: sessionArgs.sandbox,
    "server-url": sessionArgs["server-url"],
    login: {
      type: "boolean",
      description:
        "Sign in and exit (an editor's terminal auth): ask for the provider's API key and save it in the user config",
    },
  },
  async run({ args }) {
    // Only what answering `initialize` needs is loaded before it is answered; the ACP SDK and
    // the session engine come after (specs/acp.md, "Start-up").
    const [
      { answerInitializeEarly },
      { stdinStream, writeStdout },
      { parsePermissionMode },
      { createLogger, LOG_LEVELS },
    ] = await Promise.all([
      import("../acp/early-initialize.ts"),
      import("../acp/stdio-bytes.ts"),
      import("../session/permissions.ts"),
      import("@loom/runtime/log"),
    ]);
    const mode = args["permission-mode"];
    const permissionMode = mode === undefined ? undefined : parsePermissionMode(mode);
    if (mode !== undefined && !permissionMode)
      throw new UsageError(`--permission-mode must be ask, auto or read-only (got '${mode}')`);
    const flags: Record<string, string> = {};
    if (args.provider) flags.provider = args.provider;
    if (args.model) flags.model = args.model;
    if (permissionMode) flags.permissionMode = permissionMode;
    if (args.sandbox !== undefined) {
      const { parseSandboxMode } = await import("@loom/runtime/sandbox/policy");
      const sandboxMode = parseSandboxMode(args.sandbox);
      if (!sandboxMode)
        throw new UsageError(
          `--sandbox must be read-only, workspace-write or danger-full-access (got '${args.sandbox}')`,
        );
      flags.sandboxMode = sandboxMode;
    }
    if (args["server-url"]) flags.serverUrl = args["server-url"];
    if (args.login) {
      const { terminalLogin } = await import("../acp/terminal-login.ts");
      const code = await terminalLogin({
        flags,
        env: process.env,
        input: process.stdin,
        print: (line) => process.stdout.write(`${line}\n`),
      });
      if (code !== 0) throw new ExitError(code);
      return;
    }
    // Editors show stderr as the agent's log; its level follows config's environment variable.
    const wanted = process.env.LOOM_LOG__LEVEL;
    const level = LOG_LEVELS.find((l) => l === wanted) ?? "info";
    const log = createLogger({ level, stream: process.stderr, fields: { component: "acp-agent" } });
    // stdout carries the protocol: anything printed through console goes to stderr instead.
    const toStderr = (...a: unknown[]) => process.stderr.write(`${a.map(String).join(" ")}\n`);
    console.log = console.info = console.debug = toStderr;

    const early = await answerInitializeEarly(stdinStream(), writeStdout);
    const [{ createAcpAgent }, { createLoomEngine }, { stdioStream }, { formatError }] = await Promise.all([
      import("../acp/server.ts"),
      import("../acp/loom-engine.ts"),
      import("../acp/stdio.ts"),
      import("@loom/runtime/errors"),
    ]);
    const agent = createAcpAgent({ engine: createLoomEngine({ flags }), log });
    let inputError: string | undefined;
    const conn = agent.app.connect(
      stdioStream({
        input: early.input,
        answeredId: early.answeredId,
        onInputError: (e) => {
          inputError = formatError(e);
        },
      }),
    );
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        log.info(`${signal}: saving sessions`);
        conn.close();
      });
    }
    log.info("ready");
    await conn.closed.catch((e) => log.warn(`connection closed: ${formatError(e)}`));
    await agent.closeAll();
    if (inputError) {
      // The input cannot be read on (e.g. a line over the SDK's 32 MiB limit): say so, exit non-zero.
      process.stderr.write(`loom acp-agent: stopped reading stdin: ${inputError}\n`);
      throw new ExitError(1);
    }
  },
});
