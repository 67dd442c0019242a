/**
 * The first steps of a session, before anything live is built: which thread (new, by id, or the
 * workspace's last), which workspace, the merged config with the session flags as its top layer,
 * and which provider and model.
 */
import { accessSync, constants, mkdirSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "@loom/runtime/config";
import type { LoomConfig } from "@loom/runtime/config/schema";
import { formatError, LoomError } from "@loom/runtime/errors";
import { dataDir, type Env, userConfigFile } from "@loom/runtime/paths";
import type { Thread } from "@loom/runtime/thread";
import { createThreadStore, type ThreadStore } from "@loom/runtime/threads/store";
import { findRepo, type RepoInfo } from "@loom/runtime/undo/git";
import { providerPluginsFor } from "../provider-plugins.ts";
import { defaultModel, isNamedProvider, providerType } from "../providers.ts";
import type { SessionInit } from "./session.ts";
import { realWorkspace } from "./workspace-dir.ts";

export interface SessionStart {
  data: string;
  store: ThreadStore;
  workspace: string;
  /** The thread to continue, when resuming. */
  resumed?: Thread;
  config: LoomConfig;
  repo?: RepoInfo;
  provider: string;
  model: string;
  /** The model is the resumed thread's own (checked when it was chosen, not again). */
  modelFromThread: boolean;
  /** Provider plugins found beside Loom (looked for only when the provider is not built in). */
  providerPlugins: string[];
}

const FLAG_NAMES = {
  "agent.provider": "--provider",
  "agent.model": "--model",
  "agent.permission_mode": "--permission-mode",
  "agent.max_steps": "--max-steps",
  "server.url": "--server-url",
  "sandbox.mode": "--sandbox",
};

export function resolveStart(init: SessionInit, env: Env): SessionStart {
  const data = dataDir(env);
  const store = createThreadStore({ dir: usableDir(join(data, "threads")) });
  // Resuming by id continues in the thread's own workspace unless one is given.
  const byId = init.resume && init.resume !== "last" ? store.resolve(init.resume) : undefined;
  const workspace = realWorkspace(init.workspace ?? byId?.workspace ?? process.cwd(), () =>
    init.workspace === undefined && byId
      ? ` (thread ${byId.id}'s workspace; --workspace continues it elsewhere)`
      : "",
  );
  const resumed = byId ?? (init.resume === "last" ? lastThread(store, workspace) : undefined);

  const agent: Record<string, unknown> = {};
  if (init.provider) agent.provider = init.provider;
  if (init.model) agent.model = init.model;
  if (init.permissionMode) agent.permission_mode = init.permissionMode;
  if (init.maxSteps !== undefined) agent.max_steps = init.maxSteps;
  const flags: Record<string, Record<string, unknown>> = { agent };
  if (init.serverUrl) flags.server = { url: init.serverUrl };
  if (init.sandboxMode) flags.sandbox = { mode: init.sandboxMode };
  const { config } = loadConfig({ workspace, env, flags: flags as never, flagNames: FLAG_NAMES });

  // A resumed thread keeps its provider and model unless flags say otherwise.
  const keep = resumed?.provider && resumed.model && !init.provider && !init.model ? resumed : undefined;
  const provider = keep?.provider ?? config.agent.provider;
  const plugins = providerPluginsFor(provider, workspace, config, env);
  const providerPlugins = plugins.map((c) => c.manifest.name);
  const type = providerType(
    provider,
    config.providers as Record<string, Record<string, unknown>>,
    providerPlugins,
  );
  // A named provider (an OpenAI-compatible server…) has no default: what it serves is its own.
  // A provider plugin may name one in its manifest.
  const pluginModel = plugins.find((c) => c.manifest.name === type)?.manifest.provider?.defaultModel;
  const model =
    keep?.model ?? config.agent.model ?? (isNamedProvider(provider) ? pluginModel : defaultModel(type));
  if (!model) {
    throw new LoomError(
      "CONFIG_INVALID",
      `no model for provider "${provider}" (a configured provider has no default model): pass --model <id>, or set model under [agent] in ${userConfigFile(env)}`,
    );
  }
  const start: SessionStart = {
    data,
    store,
    workspace,
    config,
    provider,
    model,
    modelFromThread: keep !== undefined,
    providerPlugins,
  };
  const repo = findRepo(workspace);
  if (repo) start.repo = repo;
  if (resumed) start.resumed = resumed;
  return start;
}

/** Creates `dir` if needed and checks it can be written, so a turn never starts that cannot be saved. */
function usableDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    accessSync(dir, constants.W_OK);
    return dir;
  } catch (e) {
    const why = (e as { code?: string }).code ?? formatError(e);
    throw new LoomError("INVALID_INPUT", `cannot save threads in ${dir} (${why}); check XDG_DATA_HOME`);
  }
}

export function gitContext(repo: RepoInfo | undefined): Thread["git"] {
  if (!repo) return undefined;
  const git: NonNullable<Thread["git"]> = {};
  if (repo.branch) git.branch = repo.branch;
  if (repo.commit) git.commit = repo.commit;
  if (repo.remote) git.remote = repo.remote;
  return git;
}

export function lastThread(store: ThreadStore, workspace: string): Thread {
  const last = store.last(workspace);
  if (!last) throw new LoomError("NOT_FOUND", `no thread to resume in ${workspace}`);
  return last;
}
