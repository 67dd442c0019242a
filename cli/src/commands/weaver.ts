/** `loom weaver ps|logs|delete`: the caller's weavers on the team server (`loom new` starts one, `loom attach` joins it). */
import { defineCommand } from "citty";
import { ExitError } from "../cli.ts";
import { serverApi } from "../server-api.ts";

const serverUrl = { type: "string", description: "Team server URL (default: config server.url)" } as const;
const id = { type: "positional", description: "Weaver id (weaver-…)", required: true } as const;
const out = (s: string) => process.stdout.write(`${s}\n`);

interface Info {
  id: string;
  status: string;
  repo: string;
  branch?: string;
  task?: string;
  expiresAt: string;
  reason?: string;
  limits?: string;
}

export default defineCommand({
  meta: { name: "weaver", description: "Your weavers: ps, logs, delete" },
  subCommands: {
    ps: defineCommand({
      meta: { name: "ps", description: "List your weavers (and your orgs' for org admins)" },
      args: { "server-url": serverUrl },
      async run({ args }) {
        const api = await serverApi(args["server-url"]);
        const { items } = await api.call<{ items: Info[] }>("GET", "/api/weavers");
        if (items.length === 0) return out("no weavers");
        for (const w of items) {
          const what = w.task ? `task: ${w.task.replace(/\s+/g, " ").slice(0, 40)}` : "repl";
          const repo = w.branch ? `${w.repo}#${w.branch}` : w.repo;
          const limits = w.limits ? `limits: ${w.limits}` : "";
          out(
            [w.id, w.status, repo, what, `expires ${w.expiresAt}`, w.reason ?? "", limits]
              .join("\t")
              .trimEnd(),
          );
        }
      },
    }),
    logs: defineCommand({
      meta: { name: "logs", description: "A weaver's output (-f follows it)" },
      args: {
        id,
        follow: { type: "boolean", alias: "f", description: "Keep printing new lines until the weaver ends" },
        tail: { type: "string", description: "Only the last N lines first" },
        "server-url": serverUrl,
      },
      async run({ args }) {
        const api = await serverApi(args["server-url"]);
        if (args.tail !== undefined && !/^\d+$/.test(args.tail)) {
          process.stderr.write(`loom: --tail must be a number of lines (got '${args.tail}')\n`);
          throw new ExitError(2);
        }
        const q = new URLSearchParams();
        if (args.follow) q.set("follow", "true");
        if (args.tail) q.set("tail", args.tail);
        const path = `/api/weaver/${encodeURIComponent(args.id)}/logs?${q}`;
        const res = await fetch(`${api.base}${path}`, {
          headers: { authorization: api.authorization },
        }).catch((e: Error) => {
          process.stderr.write(`loom: cannot reach ${api.base}: ${e.message}\n`);
          throw new ExitError(1);
        });
        if (!res.ok || !res.body) {
          const text = await res.text();
          let message = `${res.status} ${res.statusText}`;
          try {
            message = (JSON.parse(text) as { error: { message: string } }).error.message ?? message;
          } catch {}
          process.stderr.write(`loom: ${message}\n`);
          throw new ExitError(1);
        }
        const decoder = new TextDecoder();
        let buf = "";
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += decoder.decode(chunk, { stream: true });
          let end = buf.indexOf("\n\n");
          while (end >= 0) {
            const event = buf.slice(0, end);
            buf = buf.slice(end + 2);
            for (const line of event.split("\n"))
              if (line.startsWith("data: ")) out((JSON.parse(line.slice(6)) as { line: string }).line);
            end = buf.indexOf("\n\n");
          }
        }
      },
    }),
    delete: defineCommand({
      meta: { name: "delete", description: "Stop and remove a weaver" },
      args: { id, "server-url": serverUrl },
      async run({ args }) {
        const api = await serverApi(args["server-url"]);
        await api.call("DELETE", `/api/weaver/${encodeURIComponent(args.id)}`);
        out(`deleted ${args.id}`);
      },
    }),
    supervise: defineCommand({
      meta: {
        name: "supervise",
        description: "(internal) a local weaver's supervisor process",
        hidden: true,
      },
      args: { dir: { type: "positional", required: true } },
      async run({ args }) {
        const { superviseWeaver } = await import("@loom/server/weaver-supervisor");
        process.exit(await superviseWeaver(args.dir));
      },
    }),
  },
});
