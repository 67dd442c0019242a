import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { formatError, LoomError } from "../errors.ts";
import { Secret } from "../secret.ts";
import { type LoadConfigOptions, loadConfig, redactConfig } from "./load.ts";
import { MAX_CONFIG_BYTES } from "./toml-file.ts";

const root = mkdtempSync(join(tmpdir(), "loom-config-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A fresh home, workspace and system file; `files` holds TOML text per layer. */
function fixture(files: { system?: string; user?: string; workspace?: string } = {}) {
  const dir = join(root, String(n++));
  const workspace = join(dir, "repo");
  const xdg = join(dir, "xdg");
  mkdirSync(join(workspace, ".loom"), { recursive: true });
  mkdirSync(join(xdg, "loom"), { recursive: true });
  const paths = {
    system: join(dir, "etc-loom.toml"),
    user: join(xdg, "loom", "config.toml"),
    workspace: join(workspace, ".loom", "config.toml"),
  };
  for (const layer of ["system", "user", "workspace"] as const) {
    const text = files[layer];
    if (text !== undefined) writeFileSync(paths[layer], text);
  }
  const options = (extra: Partial<LoadConfigOptions> = {}): LoadConfigOptions => ({
    workspace,
    systemPath: paths.system,
    ...extra,
    env: { HOME: dir, XDG_CONFIG_HOME: xdg, ...extra.env },
  });
  return { paths, options };
}

function loadError(options: LoadConfigOptions): LoomError {
  try {
    loadConfig(options);
  } catch (e) {
    if (e instanceof LoomError) return e;
    throw e;
  }
  throw new Error("expected loadConfig to throw");
}

describe("layers", () => {
  test("built-in defaults when no layer says anything", () => {
    const { options } = fixture();
    const { config, sources } = loadConfig(options());
    expect(config.agent).toEqual({
      provider: "anthropic",
      max_retries: 3,
      max_steps: 100,
      tool_timeout_ms: 120_000,
      permission_mode: "ask",
    });
    expect(config.git).toEqual({ auto_commit: false, snapshots: true });
    expect(config.log.format).toBe("pretty");
    expect(sources.keys["agent.max_retries"]).toEqual({ kind: "default" });
    expect(sources.layers.map((l) => [l.name, l.found])).toEqual([
      ["flags", false],
      ["env", false],
      ["workspace", false],
      ["user", false],
      ["system", false],
      ["default", true],
    ]);
  });

  test("precedence across all six layers: flags > env > workspace > user > system > default", () => {
    // Each layer sets the keys of every layer below it, so each key shows which layer won.
    const { paths, options } = fixture({
      system:
        '[agent]\nmodel = "system"\nprovider = "system"\nmax_retries = 1\ntool_timeout_ms = 1\npermission_mode = "auto"\n',
      user: '[agent]\nmodel = "user"\nprovider = "user"\nmax_retries = 2\ntool_timeout_ms = 2\n',
      workspace: '[agent]\nmodel = "workspace"\nprovider = "workspace"\nmax_retries = 4\n',
    });
    const { config, sources } = loadConfig(
      options({
        env: { LOOM_AGENT__MODEL: "env", LOOM_AGENT__PROVIDER: "env" },
        flags: { agent: { model: "flag" } },
      }),
    );
    expect(config.agent).toEqual({
      model: "flag",
      provider: "env",
      max_retries: 4,
      max_steps: 100,
      tool_timeout_ms: 2,
      permission_mode: "auto",
    });
    expect(sources.keys["agent.model"]).toEqual({ kind: "flag", name: "--agent.model" });
    expect(sources.keys["agent.provider"]).toEqual({ kind: "env", name: "LOOM_AGENT__PROVIDER" });
    expect(sources.keys["agent.max_retries"]).toEqual({
      kind: "file",
      layer: "workspace",
      path: paths.workspace,
    });
    expect(sources.keys["agent.tool_timeout_ms"]).toEqual({ kind: "file", layer: "user", path: paths.user });
    expect(sources.keys["agent.permission_mode"]).toEqual({
      kind: "file",
      layer: "system",
      path: paths.system,
    });
    expect(sources.keys["log.level"]).toEqual({ kind: "default" });
    expect(sources.layers.every((l) => l.found)).toBe(true);
  });

  test("tables deep-merge; arrays replace", () => {
    const { options } = fixture({
      system: '[plugins.grants.web]\nnetwork = ["x.com"]\n',
      user: '[plugins]\npaths = ["/a", "/b"]\n[plugins.grants.web]\nexec = false\n[plugins.grants.fmt]\nexec = true\n[tools]\ndisabled = ["bash"]\n',
      workspace: '[plugins]\npaths = ["/c"]\n',
    });
    const { config } = loadConfig(options());
    expect(config.plugins.paths).toEqual(["/c"]);
    expect(config.plugins.grants).toEqual({ web: { network: ["x.com"], exec: false }, fmt: { exec: true } });
    expect(config.tools.disabled).toEqual(["bash"]);
    expect(config.tools.bash.timeout_ms).toBe(120_000);
  });

  test("a flag of undefined leaves lower layers alone; flag names can be given", () => {
    const { options } = fixture({ workspace: '[agent]\nmodel = "ws"\n' });
    const { config } = loadConfig(options({ flags: { agent: { model: undefined } } }));
    expect(config.agent.model).toBe("ws");
    const e = loadError(
      options({ flags: { agent: { max_retries: -1 } }, flagNames: { "agent.max_retries": "--retries" } }),
    );
    expect(e.message).toBe("flag --retries: agent.max_retries: expected integer >= 0, got -1");
  });

  test("a missing system file is skipped; null skips the layer", () => {
    const { options } = fixture();
    const { sources } = loadConfig(options({ systemPath: null }));
    expect(sources.layers.map((l) => l.name)).toEqual(["flags", "env", "workspace", "user", "default"]);
  });
});

describe("environment", () => {
  test("LOOM_<SECTION>__<FIELD> maps to keys, nested with more __, values read as TOML scalars", () => {
    const { options } = fixture();
    const { config } = loadConfig(
      options({
        env: {
          LOOM_AGENT__MAX_RETRIES: "7",
          LOOM_GIT__AUTO_COMMIT: "true",
          LOOM_TOOLS__BASH__TIMEOUT_MS: "5000",
          LOOM_PLUGINS__PATHS: '["/p1", "/p2"]',
          LOOM_AGENT__MODEL: "1234",
          LOOM_PROVIDERS__OLLAMA__BASE_URL: "http://127.0.0.1:11434/v1",
          LOOM_PROVIDERS__OLLAMA__CONTEXT: "8192",
          LOOM_LOG__LEVEL: "",
          LOOM_DEBUG: "1",
        },
      }),
    );
    expect(config.agent.max_retries).toBe(7);
    expect(config.git.auto_commit).toBe(true);
    expect(config.tools.bash.timeout_ms).toBe(5000);
    expect(config.plugins.paths).toEqual(["/p1", "/p2"]);
    // A string key stays a string even when it looks like a number.
    expect(config.agent.model).toBe("1234");
    expect(config.providers.ollama).toEqual({ base_url: "http://127.0.0.1:11434/v1", context: 8192 });
    expect(config.log.level).toBe("info");
  });

  test("the server's sign-in: [auth.smtp] from LOOM_AUTH__SMTP__URL, [server] public_url; never from a workspace", () => {
    const { options } = fixture({
      user: '[auth.oauth.okta]\ntype = "oidc"\nclient_id = "loom"\nissuer = "https://okta.example"\n',
    });
    const { config } = loadConfig(
      options({
        env: {
          LOOM_AUTH__SMTP__URL: "smtp://127.0.0.1:2525",
          LOOM_SERVER__PUBLIC_URL: "https://loom.example",
        },
      }),
    );
    expect(config.auth.smtp).toEqual({ url: "smtp://127.0.0.1:2525" });
    expect(config.auth.open_signup).toBe(true);
    expect(config.auth.oauth.okta).toMatchObject({ type: "oidc", issuer: "https://okta.example" });
    expect(config.server.public_url).toBe("https://loom.example");
    const ws = fixture({ workspace: '[auth.smtp]\nurl = "smtp://evil.example:25"\n' });
    expect(loadError(ws.options()).message).toContain("auth: not allowed in a workspace config");
  });

  test("provider variables fill providers.*, LOOM_PROVIDERS__ overrides them, keys are Secrets", () => {
    const { options } = fixture({ user: '[providers.anthropic]\nbase_url = "https://file.example"\n' });
    const { config, sources } = loadConfig(
      options({
        env: {
          ANTHROPIC_API_KEY: "sk-ant-1",
          ANTHROPIC_BASE_URL: "https://ant.example",
          OPENAI_API_KEY: "sk-oai-2",
          OPENAI_BASE_URL: "https://oai.example/v1",
          GOOGLE_CLOUD_PROJECT: "proj",
          GOOGLE_CLOUD_LOCATION: "us-east5",
          LOOM_PROVIDERS__OPENAI__API_KEY: "sk-oai-override",
        },
      }),
    );
    const anthropicKey = config.providers.anthropic?.api_key;
    expect(anthropicKey).toBeInstanceOf(Secret);
    expect(anthropicKey?.expose()).toBe("sk-ant-1");
    expect(config.providers.anthropic?.base_url).toBe("https://ant.example");
    expect(config.providers.openai?.api_key?.expose()).toBe("sk-oai-override");
    expect(config.providers.openai?.base_url).toBe("https://oai.example/v1");
    expect(config.providers.vertex).toEqual({ project: "proj", location: "us-east5" });
    expect(sources.keys["providers.anthropic.api_key"]).toEqual({ kind: "env", name: "ANTHROPIC_API_KEY" });
    expect(sources.keys["providers.openai.api_key"]).toEqual({
      kind: "env",
      name: "LOOM_PROVIDERS__OPENAI__API_KEY",
    });
  });

  test("API keys from files are Secrets too and never print", () => {
    const { options } = fixture({ user: '[providers.anthropic]\napi_key = "sk-file-secret"\n' });
    const { config } = loadConfig(options());
    expect(config.providers.anthropic?.api_key?.expose()).toBe("sk-file-secret");
    expect(JSON.stringify(config)).not.toContain("sk-file-secret");
    const printed = JSON.stringify(redactConfig(config));
    expect(printed).not.toContain("sk-file-secret");
    expect(redactConfig(config)).toMatchObject({ providers: { anthropic: { api_key: "[redacted]" } } });
  });
});

describe("errors", () => {
  test("a bad value in the workspace file names the file, key and expectation", () => {
    const { paths, options } = fixture({ workspace: '[agent]\nmax_retries = "three"\n' });
    const e = loadError(options());
    expect(e.code).toBe("CONFIG_INVALID");
    expect(e.message).toBe(`${paths.workspace}: agent.max_retries: expected integer >= 0, got "three"`);
    expect(formatError(e)).not.toContain("\n");
  });

  test("a string the schema gives a pattern must match it: URLs, durations, paths", () => {
    for (const [text, key, expected] of [
      ['[server]\npublic_url = "loom.example"\n', "server.public_url", "an http:// or https:// URL"],
      ['[server]\nurl = "notaurl"\n', "server.url", "an http:// or https:// URL"],
      ['[mcp.servers.web]\nurl = "notaurl"\n', "mcp.servers.web.url", "an http:// or https:// URL"],
      ['[auth.smtp]\nurl = "mail.example"\nfrom = "a@b.c"\n', "auth.smtp.url", "an smtp:// or smtps:// URL"],
      [
        '[weavers]\ndefault_ttl = "4 hours"\n',
        "weavers.default_ttl",
        "a duration such as 30s, 10m, 4h or 2d",
      ],
    ] as const) {
      const { paths, options } = fixture({ user: text });
      const e = loadError(options());
      expect(e.code).toBe("CONFIG_INVALID");
      expect(e.message).toStartWith(`${paths.user}: ${key}: expected ${expected}, got "`);
    }
    const { options } = fixture({ user: '[server]\nurl = "https://loom.example"\n' });
    expect(loadConfig(options()).config.server.url).toBe("https://loom.example");
  });

  test("[auth.smtp] from must be an e-mail address (or Name <address>), checked at load in one line", () => {
    const words = "an e-mail address such as loom@example.com or Loom <loom@example.com>";
    for (const from of [
      "loom",
      "Loom <loom>",
      "Loom <a@b.c> extra",
      "a@b.c\r\nBcc: x@y.z",
      "<a@b.c",
      "a@@b.c",
    ]) {
      const { paths, options } = fixture({
        user: `[auth.smtp]\nurl = "smtp://127.0.0.1:2525"\nfrom = ${JSON.stringify(from)}\n`,
      });
      const e = loadError(options());
      expect(e.code).toBe("CONFIG_INVALID");
      expect(e.message).toBe(`${paths.user}: auth.smtp.from: expected ${words}, got ${JSON.stringify(from)}`);
      expect(formatError(e)).not.toContain("\n");
    }
    for (const from of [
      "loom@example.com",
      "Loom <loom@localhost>",
      "Loom Support <support@mail.example.com>",
    ]) {
      const { options } = fixture({
        user: `[auth.smtp]\nurl = "smtp://127.0.0.1:2525"\nfrom = ${JSON.stringify(from)}\n`,
      });
      expect(loadConfig(options()).config.auth.smtp?.from).toBe(from);
    }
    const { options } = fixture();
    const env = loadError(
      options({ env: { LOOM_AUTH__SMTP__URL: "smtp://127.0.0.1:2525", LOOM_AUTH__SMTP__FROM: "nobody" } }),
    );
    expect(env.message).toBe(`env LOOM_AUTH__SMTP__FROM: auth.smtp.from: expected ${words}, got "nobody"`);
  });

  test("a bad value in the user file names the user file, even when other layers are fine", () => {
    const { paths, options } = fixture({
      user: '[agent]\npermission_mode = "yolo"\n',
      workspace: '[agent]\nmodel = "m"\n',
    });
    const e = loadError(options());
    expect(e.message).toBe(
      `${paths.user}: agent.permission_mode: expected one of "ask", "auto", "read-only", got "yolo"`,
    );
  });

  test("a higher layer fixes a bad lower value", () => {
    const { options } = fixture({ user: '[agent]\npermission_mode = "yolo"\n' });
    const { config } = loadConfig(options({ env: { LOOM_AGENT__PERMISSION_MODE: "read-only" } }));
    expect(config.agent.permission_mode).toBe("read-only");
  });

  test("a bad env value names the variable", () => {
    const { options } = fixture();
    const e = loadError(options({ env: { LOOM_AGENT__MAX_RETRIES: "three" } }));
    expect(e.message).toBe(
      'env LOOM_AGENT__MAX_RETRIES: agent.max_retries: expected integer >= 0, got "three"',
    );
    const port = loadError(options({ env: { LOOM_SERVER__PORT: "70000" } }));
    expect(port.message).toBe(
      "env LOOM_SERVER__PORT: server.port: expected integer from 0 to 65535, got 70000",
    );
  });

  test("a wrongly typed API key is reported without its value", () => {
    const { paths, options } = fixture({ user: "[providers.openai]\napi_key = 12345678\n" });
    const e = loadError(options());
    expect(e.message).toBe(
      `${paths.user}: providers.openai.api_key: expected string, got a number (value hidden)`,
    );
  });

  test("a table where a value belongs, and arrays of the wrong item type", () => {
    const { paths, options } = fixture({
      user: "[git]\nauto_commit = { a = 1 }\n[plugins]\npaths = [1, 2]\n",
    });
    const e = loadError(options());
    expect(e.message).toBe(`${paths.user}: plugins.paths.0: expected string, got 1 (and 2 more problems)`);
    expect(e.details?.issues).toEqual([
      `${paths.user}: plugins.paths.0: expected string, got 1`,
      `${paths.user}: plugins.paths.1: expected string, got 2`,
      `${paths.user}: git.auto_commit: expected boolean (true or false), got a table`,
    ]);
  });

  test("an unknown key names the file and suggests the right one", () => {
    const { paths, options } = fixture({ workspace: '[agent]\nmodle = "x"\n' });
    const e = loadError(options());
    expect(e.message).toBe(`${paths.workspace}: agent.modle: unknown key (did you mean agent.model?)`);
  });

  test("an unknown section names the file and lists known keys when nothing is close", () => {
    const { paths, options } = fixture({ user: "[zzz]\na = 1\n" });
    const e = loadError(options());
    expect(e.message).toBe(
      `${paths.user}: zzz: unknown key (known keys: agent, providers, server, auth, log, plugins, git, tools, mcp, sandbox, hooks, subagents, weavers, telemetry)`,
    );
  });

  test("a __proto__ key is an unknown key, not a prototype change", () => {
    const { paths, options } = fixture({ workspace: '[agent]\n"__proto__" = { polluted = true }\n' });
    const e = loadError(options());
    expect(e.message).toStartWith(`${paths.workspace}: agent.__proto__: unknown key`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("an unknown key from the environment names the variable", () => {
    const { options } = fixture();
    const e = loadError(options({ env: { LOOM_AGNET__MODEL: "x" } }));
    expect(e.message).toBe("env LOOM_AGNET__MODEL: agnet: unknown key (did you mean agent?)");
  });

  test("a TOML syntax error is CONFIG_PARSE naming the file and line", () => {
    const { paths, options } = fixture({ user: '[agent]\nmodel = "m"\nmax_retries = = 3\n' });
    const e = loadError(options());
    expect(e.code).toBe("CONFIG_PARSE");
    expect(e.message).toStartWith(`${paths.user}:3: invalid TOML: `);
    expect(e.details).toEqual({ file: paths.user, line: 3 });
  });

  test("an unreadable config path is CONFIG_PARSE naming it", () => {
    const { paths, options } = fixture();
    mkdirSync(paths.system);
    const e = loadError(options());
    expect(e.code).toBe("CONFIG_PARSE");
    expect(e.message).toBe(`${paths.system}: not read: it is not a regular file`);
  });

  test("a workspace config linked out of the workspace is refused unread; the user's may be a link", () => {
    const { paths, options } = fixture({ user: '[agent]\nmodel = "from-user"\n' });
    const elsewhere = join(dirname(paths.workspace), "..", "..", "elsewhere.toml");
    writeFileSync(elsewhere, '[agent]\nmodel = "from-outside"\n');
    symlinkSync(elsewhere, paths.workspace);
    const e = loadError(options());
    expect(e.code).toBe("CONFIG_PARSE");
    expect(e.message).toBe(`${paths.workspace}: not read: it is a symlink to a file outside the workspace`);
    // A dotfiles manager may link the user's own config from anywhere.
    rmSync(paths.workspace);
    rmSync(paths.user);
    symlinkSync(elsewhere, paths.user);
    expect(loadConfig(options()).config.agent.model).toBe("from-outside");
  });

  test("a config that is a FIFO or a device is refused at once; an oversize one is not read", () => {
    const { paths, options } = fixture();
    expect(Bun.spawnSync(["mkfifo", paths.workspace]).exitCode).toBe(0);
    expect(loadError(options()).message).toBe(`${paths.workspace}: not read: it is not a regular file`);
    rmSync(paths.workspace);
    symlinkSync("/dev/zero", paths.user);
    expect(loadError(options()).message).toBe(`${paths.user}: not read: it is not a regular file`);
    rmSync(paths.user);
    writeFileSync(paths.user, `${"# padding\n".repeat(MAX_CONFIG_BYTES / 10 + 1)}[agent]\nmodel = "m"\n`);
    expect(loadError(options()).message).toBe(`${paths.user}: larger than 1 MiB`);
  });

  test("a workspace config may not grant plugin permissions or redirect credentials", () => {
    for (const [text, key] of [
      ['[plugins.grants.evil]\nread = ["/"]\n', "plugins.grants"],
      ['[providers.anthropic]\nbase_url = "http://attacker.example"\n', "providers.anthropic.base_url"],
      ['[server]\nurl = "http://attacker.example"\n', "server.url"],
      ['[mcp.servers.evil]\ncommand = "sh"\n', "mcp"],
      ['[sandbox]\nmode = "danger-full-access"\n', "sandbox.mode"],
      ['[sandbox]\nnetwork = ["*"]\n', "sandbox.network"],
      ['[sandbox]\nnetwork = ["registry.npmjs.org"]\n', "sandbox.network"],
      ['[sandbox]\nwritable = ["/"]\n', "sandbox.writable"],
    ] as const) {
      const { paths, options } = fixture({ workspace: text });
      const e = loadError(options());
      expect(e.code).toBe("CONFIG_INVALID");
      expect(e.message).toStartWith(`${paths.workspace}: ${key}: not allowed in a workspace config`);
    }
    // The same keys are fine in the user's own config.
    const { options } = fixture({ user: '[providers.anthropic]\nbase_url = "http://127.0.0.1:1"\n' });
    expect(loadConfig(options()).config.providers.anthropic?.base_url).toBe("http://127.0.0.1:1");
  });

  test("[sandbox] network takes hosts, *.suffix and ports; garbage is one line naming the file", () => {
    const ok = fixture({
      user: '[sandbox]\nnetwork = ["registry.npmjs.org", "*.github.com", "localhost:8080", "[::1]:3000"]\n',
    });
    expect(loadConfig(ok.options()).config.sandbox.network).toHaveLength(4);
    const { paths, options } = fixture({ user: '[sandbox]\nnetwork = ["https://github.com/x"]\n' });
    const e = loadError(options());
    expect(e.code).toBe("CONFIG_INVALID");
    expect(e.message).toStartWith(
      `${paths.user}: sandbox.network: 'https://github.com/x': not a host; expected`,
    );
    expect(e.message).not.toContain("\n");
  });

  test("[weavers.kubernetes] has defaults and takes its own keys", () => {
    const ok = fixture({ user: '[weavers.kubernetes]\nnamespace = "team-weavers"\nmemory = "8Gi"\n' });
    const k8s = loadConfig(ok.options()).config.weavers.kubernetes;
    expect(k8s).toMatchObject({ namespace: "team-weavers", memory: "8Gi", cpu: "4", in_cluster: false });
    const { paths, options } = fixture({ user: "[weavers.kubernetes]\nmemroy = 1\n" });
    expect(loadError(options()).message).toBe(
      `${paths.user}: weavers.kubernetes.memroy: unknown key (did you mean weavers.kubernetes.memory?)`,
    );
  });

  test("[weavers.local] cgroup (a path or none; `loom serve` checks the path) and limits (best-effort or required)", () => {
    const ok = fixture({
      user: '[weavers.local]\ncgroup = "/sys/fs/cgroup/memory/loom"\nlimits = "required"\n',
    });
    expect(loadConfig(ok.options()).config.weavers.local).toEqual({
      sandbox: "bwrap",
      cgroup: "/sys/fs/cgroup/memory/loom",
      limits: "required",
    });
    const none = fixture({ user: '[weavers.local]\ncgroup = "none"\n' });
    expect(loadConfig(none.options()).config.weavers.local.cgroup).toBe("none");
    for (const bad of ['limits = "always"', "cgroup = 1"]) {
      const { options } = fixture({ user: `[weavers.local]\n${bad}\n` });
      const e = loadError(options());
      expect(e.code).toBe("CONFIG_INVALID");
      expect(e.message).not.toContain("\n");
    }
  });

  test("a workspace config may hide more from the sandbox", () => {
    const { options } = fixture({ workspace: '[sandbox]\nhidden = ["~/.vault"]\n' });
    expect(loadConfig(options()).config.sandbox).toEqual({ network: [], hidden: ["~/.vault"], writable: [] });
  });
});
