/** `loom apikey create|list|revoke`: org API keys (`lk_…`, shown once). */
import { defineCommand } from "citty";
import { UsageError } from "../cli.ts";
import { serverApi } from "../server-api.ts";

const server = { type: "string", description: "Server URL (default: config server.url)" } as const;
const org = { type: "string", description: "Org slug or id", required: true } as const;
const SCOPES = ["threads:read", "threads:write", "threads:delete", "llm:use", "tools:use"];
const out = (s: string) => process.stdout.write(`${s}\n`);

export default defineCommand({
  meta: { name: "apikey", description: "Org API keys on the team server" },
  subCommands: {
    create: defineCommand({
      meta: { name: "create", description: "Create a key; it is printed once" },
      args: {
        name: { type: "positional", description: "What the key is for", required: true },
        org,
        scopes: { type: "string", description: `Comma list of ${SCOPES.join(", ")}`, required: true },
        server,
      },
      async run({ args }) {
        const scopes = args.scopes
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        const bad = scopes.filter((s) => !SCOPES.includes(s));
        if (bad.length || scopes.length === 0)
          throw new UsageError(
            `--scopes: unknown ${bad.join(", ") || "(none given)"}; use ${SCOPES.join(", ")}`,
          );
        const api = await serverApi(args.server);
        const k = await api.call<{ id: string; key: string }>(
          "POST",
          `/api/orgs/${encodeURIComponent(args.org)}/api-keys`,
          {
            name: args.name,
            scopes,
          },
        );
        process.stderr.write(`created ${k.id}; the key is shown only now:\n`);
        out(k.key);
      },
    }),
    list: defineCommand({
      meta: { name: "list", description: "An org's keys (never the secrets)" },
      args: { org, server },
      async run({ args }) {
        const api = await serverApi(args.server);
        const { items } = await api.call<{
          items: {
            id: string;
            name: string;
            scopes: string[];
            lastUsedAt: string | null;
            revokedAt: string | null;
          }[];
        }>("GET", `/api/orgs/${encodeURIComponent(args.org)}/api-keys`);
        for (const k of items)
          out(
            `${k.id}\t${k.name}\t${k.scopes.join(",")}\t${k.lastUsedAt ?? "never used"}\t${k.revokedAt ? "revoked" : "active"}`,
          );
        if (items.length === 0) out("no keys");
      },
    }),
    revoke: defineCommand({
      meta: { name: "revoke", description: "Revoke a key (it stops at once)" },
      args: { id: { type: "positional", description: "Key id (key_…)", required: true }, org, server },
      async run({ args }) {
        const api = await serverApi(args.server);
        await api.call(
          "DELETE",
          `/api/orgs/${encodeURIComponent(args.org)}/api-keys/${encodeURIComponent(args.id)}`,
        );
        out(`revoked ${args.id}`);
      },
    }),
  },
});
