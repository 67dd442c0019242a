/** `loom org create|list|members|add|invite|remove`: organisations on the team server. */
import { defineCommand } from "citty";
import { serverApi } from "../server-api.ts";

const server = { type: "string", description: "Server URL (default: config server.url)" } as const;
const out = (s: string) => process.stdout.write(`${s}\n`);

export default defineCommand({
  meta: { name: "org", description: "Organisations on the team server" },
  subCommands: {
    create: defineCommand({
      meta: { name: "create", description: "Create an org (you become its owner)" },
      args: {
        slug: { type: "positional", description: "Short name: a-z, 0-9, -", required: true },
        name: { type: "string", description: "Display name (default: the slug)" },
        server,
      },
      async run({ args }) {
        const api = await serverApi(args.server);
        const org = await api.call<{ id: string; slug: string }>("POST", "/api/orgs", {
          slug: args.slug,
          ...(args.name ? { name: args.name } : {}),
        });
        out(`created org ${org.slug} (${org.id})`);
      },
    }),
    list: defineCommand({
      meta: { name: "list", description: "Your orgs and your role in each" },
      args: { server },
      async run({ args }) {
        const api = await serverApi(args.server);
        const { items } = await api.call<{ items: { slug: string; name: string; role: string }[] }>(
          "GET",
          "/api/orgs",
        );
        for (const o of items) out(`${o.slug}\t${o.role}\t${o.name}`);
        if (items.length === 0) out("no orgs");
      },
    }),
    members: defineCommand({
      meta: { name: "members", description: "Members of an org" },
      args: { org: { type: "positional", description: "Org slug or id", required: true }, server },
      async run({ args }) {
        const api = await serverApi(args.server);
        const { items } = await api.call<{ items: { userId: string; email: string | null; role: string }[] }>(
          "GET",
          `/api/orgs/${encodeURIComponent(args.org)}/members`,
        );
        for (const m of items) out(`${m.userId}\t${m.role}\t${m.email ?? ""}`);
      },
    }),
    add: defineCommand({
      meta: { name: "add", description: "Add a user to an org, or change their role" },
      args: {
        org: { type: "positional", description: "Org slug or id", required: true },
        user: { type: "positional", description: "User id", required: true },
        role: { type: "string", description: "owner, admin or member (default member)" },
        server,
      },
      async run({ args }) {
        const api = await serverApi(args.server);
        const role = args.role ?? "member";
        await api.call(
          "PUT",
          `/api/orgs/${encodeURIComponent(args.org)}/members/${encodeURIComponent(args.user)}`,
          {
            role,
          },
        );
        out(`${args.user} is ${role} of ${args.org}`);
      },
    }),
    invite: defineCommand({
      meta: {
        name: "invite",
        description:
          "Invite an e-mail address (7 days, single use): e-mailed when the server has SMTP, else prints the link to pass on",
      },
      args: {
        org: { type: "positional", description: "Org slug or id", required: true },
        email: { type: "positional", description: "Address to invite", required: true },
        role: { type: "string", description: "owner, admin or member (default member)" },
        server,
      },
      async run({ args }) {
        const api = await serverApi(args.server);
        const inv = await api.call<{ email: string; expiresAt: string; mailed: boolean; link?: string }>(
          "POST",
          `/api/orgs/${encodeURIComponent(args.org)}/invitations`,
          { email: args.email, role: args.role ?? "member" },
        );
        if (inv.mailed) {
          out(`invited ${inv.email} to ${args.org} until ${inv.expiresAt}: the link was e-mailed to them`);
          return;
        }
        process.stderr.write(
          `invited ${inv.email} to ${args.org} until ${inv.expiresAt}; the server sends no mail: pass them this link (they open it signed in as ${inv.email}):\n`,
        );
        out(inv.link ?? "");
      },
    }),
    remove: defineCommand({
      meta: { name: "remove", description: "Remove a member (their access ends at once)" },
      args: {
        org: { type: "positional", description: "Org slug or id", required: true },
        user: { type: "positional", description: "User id", required: true },
        server,
      },
      async run({ args }) {
        const api = await serverApi(args.server);
        await api.call(
          "DELETE",
          `/api/orgs/${encodeURIComponent(args.org)}/members/${encodeURIComponent(args.user)}`,
        );
        out(`removed ${args.user} from ${args.org}`);
      },
    }),
  },
});
