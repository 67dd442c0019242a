/**
 * The one schema for Loom's merged configuration (every TOML layer, env and flags together).
 * Keys are snake_case as written in TOML. Every table rejects unknown keys except the free-form
 * settings of a provider. Defaults here are the lowest layer of `loadConfig`.
 * `config.schema.json` beside this file is generated from it (`bun runtime/src/config/write-schema.ts`)
 * and is what start-up validates against, so loading config does not import TypeBox.
 */
import { type Static, Type } from "@sinclair/typebox";
import type { Secret } from "../secret.ts";
import { SMTP_FROM } from "./schema-walk.ts";
import { WeaversKubernetesConfig } from "./weavers-kubernetes.ts";

const Milliseconds = (fallback: number) => Type.Integer({ minimum: 1, default: fallback });

export const PermissionMode = Type.Union([
  Type.Literal("ask"),
  Type.Literal("auto"),
  Type.Literal("read-only"),
]);
export type PermissionMode = Static<typeof PermissionMode>;

export const LogLevel = Type.Union([
  Type.Literal("trace"),
  Type.Literal("debug"),
  Type.Literal("info"),
  Type.Literal("warn"),
  Type.Literal("error"),
]);

export const AgentConfig = Type.Object(
  {
    provider: Type.String({ minLength: 1, default: "anthropic" }),
    /** Absent: the provider's own default model. */
    model: Type.Optional(Type.String({ minLength: 1 })),
    max_retries: Type.Integer({ minimum: 0, default: 3 }),
    /** Model requests allowed in one user turn before the agent stops (or asks to go on); 0: no limit. */
    max_steps: Type.Integer({ minimum: 0, default: 100 }),
    tool_timeout_ms: Milliseconds(120_000),
    permission_mode: Type.Union(PermissionMode.anyOf, { default: "ask" }),
    /** Model the `oracle` tool asks (same provider); absent: the session's own model. */
    oracle_model: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false, default: {} },
);

/** One provider's settings: known keys plus free-form ones (vertex `project`, `location`, …). */
export const ProviderConfig = Type.Object(
  {
    api_key: Type.Optional(Type.String()),
    base_url: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: Type.Union([Type.String(), Type.Number(), Type.Boolean()]) },
);

export const ServerConfig = Type.Object(
  {
    /** The team server this client talks to; absent means local mode. */
    url: Type.Optional(Type.String({ pattern: "^https?://" })),
    host: Type.String({ minLength: 1, default: "127.0.0.1" }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
    /**
     * `loom serve`'s database: `postgres://user:password@host:5432/db` for replicas sharing one
     * PostgreSQL database; absent means the embedded SQLite file. Also `LOOM_SERVER_DATABASE_URL`
     * (or `LOOM_SERVER_DATABASE_URL_FILE`, a file holding it) and `loom serve --database`.
     */
    database_url: Type.Optional(Type.String({ minLength: 1 })),
    /** `loom serve`: the URL people reach the server at (links in mail, OAuth redirects, the CSRF origin, Secure cookies). */
    public_url: Type.Optional(Type.String({ pattern: "^https?://" })),
    /**
     * Team mode: the org (id or slug) whose kill switches this client honours (`tool.<name>.disabled`,
     * `model.<id>.disabled`); absent: every org the user belongs to.
     */
    flags_org: Type.Optional(Type.String({ minLength: 1 })),
    /** The flag environment this client reads (`dev`, `prod`, …). */
    flags_environment: Type.String({ pattern: "^[a-z][a-z0-9]{0,19}$", default: "prod" }),
  },
  { additionalProperties: false, default: {} },
);

/** One sign-in provider of `loom serve` (`[auth.oauth.<name>]`): GitHub, Google or any OIDC issuer. */
export const OAuthProviderConfig = Type.Object(
  {
    type: Type.Union([Type.Literal("github"), Type.Literal("google"), Type.Literal("oidc")]),
    client_id: Type.String({ minLength: 1 }),
    client_secret: Type.Optional(Type.String({ minLength: 1 })),
    /** OIDC: the issuer URL (its `/.well-known/openid-configuration` is read). Google's is built in. */
    issuer: Type.Optional(Type.String({ pattern: "^https?://" })),
    /** The button's text; default the name. */
    display_name: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

/** Sign-in for `loom serve`: SMTP for magic links, OAuth/OIDC providers. */
export const AuthConfig = Type.Object(
  {
    smtp: Type.Optional(
      Type.Object(
        {
          /** `smtp://host:port` or `smtps://user:pass@host:465`. */
          url: Type.String({ pattern: "^smtps?://" }),
          /** The sender, `addr@host` or `Name <addr@host>`; default `Loom <loom@localhost>`. Checked at load. */
          from: Type.Optional(Type.String({ pattern: SMTP_FROM })),
        },
        { additionalProperties: false },
      ),
    ),
    /** A magic link for an address with no account creates one; false: existing accounts only. */
    open_signup: Type.Boolean({ default: true }),
    oauth: Type.Record(Type.String({ pattern: "^[a-z0-9_-]+$" }), OAuthProviderConfig, { default: {} }),
  },
  { additionalProperties: false, default: {} },
);

export const LogConfig = Type.Object(
  {
    level: Type.Union(LogLevel.anyOf, { default: "info" }),
    format: Type.Union([Type.Literal("pretty"), Type.Literal("json")], { default: "pretty" }),
    /** Absent: `<state dir>/logs/loom.log`. */
    file: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false, default: {} },
);

/** What the user has granted one plugin; same fields as a manifest's `permissions`. */
export const PluginGrant = Type.Object(
  {
    read: Type.Optional(Type.Array(Type.String())),
    write: Type.Optional(Type.Array(Type.String())),
    exec: Type.Optional(Type.Boolean()),
    network: Type.Optional(Type.Array(Type.String())),
    env: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);

export const PluginsConfig = Type.Object(
  {
    /** Extra directories searched for plugins. */
    paths: Type.Array(Type.String(), { default: [] }),
    /** Grants keyed by plugin name. */
    grants: Type.Record(Type.String(), PluginGrant, { default: {} }),
    /** TypeScript plugins from outside Loom (providers) allowed to run unsandboxed in Loom's process. */
    trusted: Type.Array(Type.String(), { default: [] }),
    /** npm registry for `loom plugin install|publish|search` (default: .npmrc's, else registry.npmjs.org). */
    registry: Type.Optional(Type.String({ pattern: "^https?://" })),
  },
  { additionalProperties: false, default: {} },
);

export const GitConfig = Type.Object(
  {
    auto_commit: Type.Boolean({ default: false }),
    snapshots: Type.Boolean({ default: true }),
  },
  { additionalProperties: false, default: {} },
);

export const ToolsConfig = Type.Object(
  {
    /** Tool names never offered to the model. */
    disabled: Type.Array(Type.String(), { default: [] }),
    bash: Type.Object(
      {
        timeout_ms: Milliseconds(120_000),
        max_output_bytes: Type.Integer({ minimum: 1, default: 100_000 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false, default: {} },
);

/**
 * One MCP server Loom connects to as a client: `command` (stdio) or `url` (streamable HTTP, SSE as
 * fallback). Values in `env` and `headers` may name Loom's environment as `${VAR}`.
 */
export const McpServerConfig = Type.Object(
  {
    command: Type.Optional(Type.String({ minLength: 1 })),
    args: Type.Optional(Type.Array(Type.String(), { default: [] })),
    env: Type.Optional(Type.Record(Type.String(), Type.String(), { default: {} })),
    /** Working directory of a stdio server; absent: the workspace. */
    cwd: Type.Optional(Type.String({ minLength: 1 })),
    url: Type.Optional(Type.String({ pattern: "^https?://" })),
    /** For `url`: absent tries streamable HTTP, then SSE; "sse" goes straight to the legacy SSE transport. */
    transport: Type.Optional(Type.Union([Type.Literal("streamable-http"), Type.Literal("sse")])),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { default: {} })),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    /** Start-up (connect and list tools) and per-call timeout. */
    timeout_ms: Type.Optional(Type.Integer({ minimum: 1, default: 30_000 })),
    tools: Type.Optional(
      Type.Object(
        {
          /** Only these tools (MCP names); absent: all. */
          allow: Type.Optional(Type.Array(Type.String())),
          deny: Type.Optional(Type.Array(Type.String(), { default: [] })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  // Defaults inside a table keyed by name are not filled in by the loader: the MCP client applies them.
  { additionalProperties: false },
);
export type McpServerConfig = Static<typeof McpServerConfig>;

export const McpConfig = Type.Object(
  {
    /** Keyed by server name; its tools are offered as `<name>__<tool>`. */
    servers: Type.Record(Type.String({ pattern: "^[A-Za-z0-9_-]+$" }), McpServerConfig, { default: {} }),
  },
  { additionalProperties: false, default: {} },
);

/** The OS sandbox for commands the agent runs (bash, `loom tools call`): see specs/sandbox.md. */
export const SandboxConfig = Type.Object(
  {
    /** Absent: read-only under `--permission-mode read-only`, else workspace-write; never danger-full-access. */
    mode: Type.Optional(
      Type.Union([
        Type.Literal("read-only"),
        Type.Literal("workspace-write"),
        Type.Literal("danger-full-access"),
      ]),
    ),
    /**
     * `[]` or `["loopback"]`: the sandbox's own loopback only; `["*"]`: the host's network, unfiltered;
     * hosts (`"registry.npmjs.org"`, `"*.github.com"`, `"localhost:8080"`, no port: 80 and 443): only
     * those, through Loom's filtering proxy (specs/sandbox.md, "Network").
     */
    network: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
    /** More paths hidden even from reads (absolute or `~/…`), besides the built-in credential stores. */
    hidden: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
    /** More paths writable in workspace-write (absolute or `~/…`). */
    writable: Type.Array(Type.String({ minLength: 1 }), { default: [] }),
  },
  { additionalProperties: false, default: {} },
);

/**
 * One hook: a shell command run on a session event with the event as JSON on stdin (specs/runtime.md,
 * "Hooks"). `matcher` (tool events only) is a regular expression over the whole tool name.
 */
export const HookCommand = Type.Object(
  {
    command: Type.String({ minLength: 1 }),
    matcher: Type.Optional(Type.String({ minLength: 1 })),
    /** Absent: 30 000 ms. */
    timeout_ms: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type HookCommand = Static<typeof HookCommand>;

/** User-configured commands by event; never from a workspace config (they run unsandboxed). */
export const HooksConfig = Type.Object(
  {
    pre_tool_use: Type.Array(HookCommand, { default: [] }),
    post_tool_use: Type.Array(HookCommand, { default: [] }),
    user_prompt_submit: Type.Array(HookCommand, { default: [] }),
    stop: Type.Array(HookCommand, { default: [] }),
    session_start: Type.Array(HookCommand, { default: [] }),
  },
  { additionalProperties: false, default: {} },
);
export type HooksConfig = Static<typeof HooksConfig>;

/** The `task` tool's sub-conversations (specs/runtime.md, "Subagents"). */
export const SubagentsConfig = Type.Object(
  {
    /** Sub-conversations running at once; more `task` calls wait for a free slot. */
    max_parallel: Type.Integer({ minimum: 1, maximum: 16, default: 3 }),
    /** Model requests one sub-conversation may make. */
    max_steps: Type.Integer({ minimum: 1, default: 30 }),
    /** Absent: the session's own model. */
    model: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false, default: {} },
);

/** `[weavers.local]`: the embedded driver (specs/weavers.md). */
export const WeaversLocalConfig = Type.Object(
  {
    /** `"bwrap"`: each weaver in a bubblewrap sandbox (refused when none can be made); `"none"`: unsandboxed. */
    sandbox: Type.Union([Type.Literal("bwrap"), Type.Literal("none")], { default: "bwrap" }),
    /**
     * Where the weavers' cgroups go for `resources` (memory, CPU) limits: a cgroup v2 folder, or a
     * folder of a cgroup v1 hierarchy (the same path is used in the memory and the cpu hierarchy);
     * `"none"`: no limits. Absent: detected (v2 with memory/cpu controllers, else v1).
     */
    cgroup: Type.Optional(Type.Union([Type.String({ pattern: "^/" }), Type.Literal("none")])),
    /** `"required"`: refuse a weaver whose `resources` cannot all be applied; `"best-effort"` (absent): run it and say why. */
    limits: Type.Optional(Type.Union([Type.Literal("best-effort"), Type.Literal("required")])),
  },
  { additionalProperties: false, default: {} },
);

/** `loom serve`'s weavers: remote agent environments (specs/weavers.md). */
export const WeaversConfig = Type.Object(
  {
    driver: Type.Union([Type.Literal("local"), Type.Literal("kubernetes")], { default: "local" }),
    /** Weavers pending or running at once, per user, per org, on the server (beyond: 429). */
    max_per_user: Type.Integer({ minimum: 0, default: 5 }),
    max_per_org: Type.Integer({ minimum: 0, default: 20 }),
    max_total: Type.Integer({ minimum: 0, default: 50 }),
    /** Durations: `90s`, `30m`, `8h`, `2d`. */
    default_ttl: Type.String({ pattern: "^\\d+(\\.\\d+)?(s|m|h|d)$", default: "4h" }),
    max_ttl: Type.String({ pattern: "^\\d+(\\.\\d+)?(s|m|h|d)$", default: "48h" }),
    /** A weaver not ready this long after creation is reported failed. */
    ready_timeout: Type.String({ pattern: "^\\d+(\\.\\d+)?(s|m|h|d)$", default: "60s" }),
    /** How often expired weavers are deleted and finished ones reported. */
    sweep_interval: Type.String({ pattern: "^\\d+(\\.\\d+)?(s|m|h|d)$", default: "30s" }),
    /** URLs sent `weaver.created|ready|exited|deleted` events (POST, JSON). */
    webhooks: Type.Array(Type.String({ pattern: "^https?://" }), { default: [] }),
    /** Signs each webhook body: `x-loom-signature: sha256=<HMAC-SHA256 hex>`. */
    webhook_secret: Type.Optional(Type.String({ minLength: 16 })),
    /** Signs weaver tokens; replicas must share it. Absent: a random key kept in `<data>/weavers/token.key`. */
    token_secret: Type.Optional(Type.String({ minLength: 32 })),
    /** The provider and model Loom uses inside weavers (through the server's proxy). */
    provider: Type.Optional(Type.String({ minLength: 1 })),
    model: Type.Optional(Type.String({ minLength: 1 })),
    local: WeaversLocalConfig,
    kubernetes: WeaversKubernetesConfig,
  },
  { additionalProperties: false, default: {} },
);

/**
 * Loom's own product events (session started, tool used, model, tokens, cost; never prompt or file
 * content), sent only to the configured team server (`server.url`) and only in team mode. Also off
 * with `DO_NOT_TRACK=1`. A workspace config may turn it off, never on.
 */
export const TelemetryConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
  },
  { additionalProperties: false, default: {} },
);

export const ConfigSchema = Type.Object(
  {
    agent: AgentConfig,
    providers: Type.Record(Type.String(), ProviderConfig, { default: {} }),
    server: ServerConfig,
    auth: AuthConfig,
    log: LogConfig,
    plugins: PluginsConfig,
    git: GitConfig,
    tools: ToolsConfig,
    mcp: McpConfig,
    sandbox: SandboxConfig,
    hooks: HooksConfig,
    subagents: SubagentsConfig,
    weavers: WeaversConfig,
    telemetry: TelemetryConfig,
  },
  { additionalProperties: false, $id: "https://loom.dev/schemas/config.json", title: "Loom configuration" },
);

/** The config as written: every TOML layer, env and flags validate against this shape. */
export type ConfigInput = Static<typeof ConfigSchema>;
export type ProviderInput = Static<typeof ProviderConfig>;
export type PluginGrant = Static<typeof PluginGrant>;

/** A provider's settings once loaded: credentials are wrapped so they never print. */
export type ProviderSettings = {
  api_key?: Secret;
  base_url?: string;
  [setting: string]: string | number | boolean | Secret | undefined;
};

/** The loaded config `loadConfig` returns. */
export type LoomConfig = Omit<ConfigInput, "providers"> & { providers: Record<string, ProviderSettings> };

type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** Overrides shaped like the config, as the CLI passes flags: `{ agent: { model: "x" } }`. */
export type ConfigOverrides = DeepPartial<ConfigInput>;
