/** `loom new --repo URL [--branch B] [--ttl 8h] [--task "…"]`: starts a weaver on the team server and prints its id. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { defineCommand } from "citty";
import { UsageError } from "../cli.ts";
import { serverApi } from "../server-api.ts";

/** A plain local path (`.`, `../repo`, `/srv/repo`) becomes absolute: the local driver clones it on the server's machine. */
export function repoArgument(repo: string, cwd = process.cwd()): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[^/\s]+@[^/\s]+:/.test(repo)) return repo;
  const abs = resolve(cwd, repo);
  return existsSync(abs) ? abs : repo;
}

export default defineCommand({
  meta: { name: "new", description: "Start a weaver: Loom on a clone of a repository, on the team server" },
  args: {
    repo: {
      type: "string",
      description: "Git URL or path (file://, https://, a local path for the local driver)",
    },
    branch: { type: "string", description: "Branch to clone (default: the repository's default)" },
    ttl: { type: "string", description: "Time to live: 30m, 8h, 2d (default 4h, at most 48h)" },
    task: { type: "string", description: "Run `loom run <task>` headless to completion instead of the REPL" },
    org: { type: "string", description: "Org id the weaver belongs to (its admins see it)" },
    "server-url": { type: "string", description: "Team server URL (default: config server.url)" },
  },
  async run({ args }) {
    if (!args.repo?.trim()) throw new UsageError("loom new needs --repo URL (a git URL or a local path)");
    if (args.ttl !== undefined && !/^\d+(\.\d+)?(s|m|h|d)$/.test(args.ttl.trim()))
      throw new UsageError(`--ttl must be a duration like 30m, 8h or 2d (got '${args.ttl}')`);
    const api = await serverApi(args["server-url"]);
    const w = await api.call<{ id: string }>("POST", "/api/weaver", {
      repo: repoArgument(args.repo.trim()),
      ...(args.branch ? { branch: args.branch } : {}),
      ...(args.ttl ? { ttl: args.ttl.trim() } : {}),
      ...(args.task ? { task: args.task } : {}),
      ...(args.org ? { orgId: args.org } : {}),
    });
    process.stdout.write(`${w.id}\n`);
  },
});
