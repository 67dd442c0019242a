/**
 * The one access policy: `can(subject, action, resource)` decides every request (routes call it
 * through `access/guard.ts`). Pure: no I/O, no clock; the facts (memberships, grants, share links)
 * are gathered before it is called. Rules (specs/server.md "Policy"):
 * - anonymous: Read of a public thread or through a share link, nothing else;
 * - global roles add only what they name: system_admin manages orgs and accounts and impersonates,
 *   support reads threads shared with support, auditor reads (orgs, accounts, the audit log) and
 *   never changes anything (an auditor account is read-only, its own threads included);
 * - org membership is the root of every org right: team rights need the org membership too, so a
 *   removed member loses every org resource whatever rows are left;
 * - an API key gets an action only when a scope names it, the resource is in the key's org (or a
 *   public thread), and its creator may do it now.
 */
import type { Action, ApiKeySubject, Decision, Resource, Subject, UserSubject } from "./subject.ts";

const allow = (reason: string): Decision => ({ allow: true, reason });
const deny = (reason: string): Decision => ({ allow: false, reason });

const orgRole = (s: UserSubject, orgId: string) => s.orgs.find((m) => m.orgId === orgId)?.role;
const inTeam = (s: UserSubject, orgId: string, teamId: string) =>
  orgRole(s, orgId) !== undefined && s.teams.some((t) => t.teamId === teamId && t.orgId === orgId);
const isOrgAdmin = (s: UserSubject, orgId: string) => {
  const r = orgRole(s, orgId);
  return r === "owner" || r === "admin";
};
const has = (s: UserSubject, role: UserSubject["roles"][number]) => s.roles.includes(role);

export function can(subject: Subject, action: Action, resource: Resource): Decision {
  switch (subject.kind) {
    case "anonymous":
      return anonymous(action, resource);
    case "user":
      return user(subject, action, resource);
    case "apikey":
      return apiKey(subject, action, resource);
    default: {
      const never: never = subject;
      return never;
    }
  }
}

function anonymous(action: Action, r: Resource): Decision {
  if (r.type === "none") return allow("open route");
  if (action !== "Read" || r.type !== "thread") return deny("sign in first");
  if (r.visibility === "public") return allow("public thread");
  if (r.viaShareLink) return allow("share link");
  return deny("sign in first");
}

/** Actions that change something; an auditor account is read-only. */
const CHANGES: ReadonlySet<Action> = new Set(["Write", "Delete", "Share", "ManageOrg", "Impersonate"]);

function user(s: UserSubject, action: Action, r: Resource): Decision {
  if (CHANGES.has(action) && has(s, "auditor") && r.type !== "none")
    return deny("an auditor account is read-only");
  switch (r.type) {
    case "none":
      return allow("open route");
    case "thread":
      return thread(s, action, r);
    case "org": {
      const role = orgRole(s, r.orgId);
      if (action === "Read") {
        if (role) return allow(`org ${role}`);
        if (has(s, "system_admin") || has(s, "auditor")) return allow("global role reads orgs");
        return deny("not a member of the org");
      }
      if (action === "Write" || action === "ManageOrg") {
        if (role === "owner" || role === "admin") return allow(`org ${role}`);
        if (has(s, "system_admin") && !s.impersonatorId) return allow("system_admin");
        return deny(role ? `org ${role} cannot manage the org` : "not a member of the org");
      }
      if (action === "Delete") {
        if (role === "owner") return allow("org owner");
        if (has(s, "system_admin") && !s.impersonatorId) return allow("system_admin");
        return deny("only an org owner deletes the org");
      }
      return deny(`${action} does not apply to an org`);
    }
    case "team": {
      if (action === "Read") {
        if (orgRole(s, r.orgId)) return allow("org member");
        if (has(s, "system_admin") || has(s, "auditor")) return allow("global role reads orgs");
        return deny("not a member of the org");
      }
      if (action === "Write" || action === "ManageOrg" || action === "Delete") {
        if (isOrgAdmin(s, r.orgId)) return allow("org admin");
        if (action !== "Delete" && inTeam(s, r.orgId, r.teamId)) {
          const maint = s.teams.some((t) => t.teamId === r.teamId && t.role === "maintainer");
          if (maint) return allow("team maintainer");
        }
        if (has(s, "system_admin") && !s.impersonatorId) return allow("system_admin");
        return deny("not a maintainer of the team");
      }
      return deny(`${action} does not apply to a team`);
    }
    case "user": {
      const self = r.userId === s.userId;
      if (action === "Read") {
        if (self) return allow("own account");
        if (has(s, "system_admin") || has(s, "support") || has(s, "auditor")) return allow("global role");
        return deny("another account");
      }
      if (action === "Write" || action === "Delete") {
        if (self && action === "Write") return allow("own account");
        if (has(s, "system_admin") && !s.impersonatorId) return allow("system_admin");
        return deny("another account");
      }
      if (action === "Impersonate") {
        if (!has(s, "system_admin")) return deny("only a system_admin impersonates");
        if (s.impersonatorId) return deny("already impersonating");
        if (self) return deny("cannot impersonate yourself");
        return allow("system_admin");
      }
      return deny(`${action} does not apply to an account`);
    }
    case "directory":
      if (action === "Read" && (has(s, "system_admin") || has(s, "support") || has(s, "auditor")))
        return allow("global role");
      if (action === "Write" && has(s, "system_admin") && !s.impersonatorId) return allow("system_admin");
      return deny("needs a global role");
    case "server":
      return action === "Write" ? allow("signed-in user") : deny(`${action} does not apply to the server`);
    case "llm":
      return action === "UseLlm"
        ? allow("signed-in user")
        : deny(`${action} does not apply to the LLM proxy`);
    case "tool":
      return action === "UseTool" ? allow("signed-in user") : deny(`${action} does not apply to tools`);
    case "audit":
      if (action === "Read" && (has(s, "system_admin") || has(s, "auditor"))) return allow("global role");
      return deny("only a system_admin or auditor reads the audit log");
    case "weaver":
      return weaver(s, action, r);
    case "weavers":
      if ((action === "Write" || action === "Delete") && has(s, "system_admin") && !s.impersonatorId)
        return allow("system_admin");
      return deny("only a system_admin manages every weaver");
    default: {
      const never: never = r;
      return never;
    }
  }
}

function thread(s: UserSubject, action: Action, r: Extract<Resource, { type: "thread" }>): Decision {
  const owner = r.ownerId === s.userId;
  if (action === "Read") {
    if (owner) return allow("owner");
    if (r.visibility === "public") return allow("public thread");
    if (r.viaShareLink) return allow("share link");
    if (r.visibility === "organization" || r.visibility === "team") {
      if (r.orgId === null) return allow("shared server-wide (no org)");
      if (r.visibility === "organization" && orgRole(s, r.orgId)) return allow("org member");
      if (r.visibility === "team" && r.teamId !== null && inTeam(s, r.orgId, r.teamId))
        return allow("team member");
    }
    if (r.sharedWithSupport && has(s, "support")) return allow("shared with support");
    return deny("not readable by you");
  }
  if (action === "Write" || action === "Delete" || action === "Share") {
    return owner ? allow("owner") : deny("only the owner");
  }
  return deny(`${action} does not apply to a thread`);
}

/** A weaver: its owner uses it; an admin of its org and a system_admin see and stop it. */
function weaver(s: UserSubject, action: Action, r: Extract<Resource, { type: "weaver" }>): Decision {
  if (action !== "Read" && action !== "Write" && action !== "Delete")
    return deny(`${action} does not apply to a weaver`);
  if (r.orgId !== null && action === "Write" && r.ownerId === s.userId && !orgRole(s, r.orgId))
    return deny("not a member of the weaver's org");
  if (r.ownerId === s.userId) return allow("owner");
  if (action === "Write") return deny("only the owner uses a weaver");
  if (r.orgId !== null && isOrgAdmin(s, r.orgId)) return allow("org admin");
  if (has(s, "system_admin") && !s.impersonatorId) return allow("system_admin");
  return deny("not your weaver");
}

/** The scope an API key needs for an action on a kind of resource (none: keys cannot do it). */
export const SCOPE_OF: Partial<Record<Action, Record<string, ApiKeySubject["scopes"][number]>>> = {
  Read: { thread: "threads:read" },
  Write: { thread: "threads:write" },
  Delete: { thread: "threads:delete" },
  UseLlm: { llm: "llm:use" },
  UseTool: { tool: "tools:use" },
};

function apiKey(k: ApiKeySubject, action: Action, r: Resource): Decision {
  if (r.type === "none") return allow("open route");
  const scope = SCOPE_OF[action]?.[r.type];
  if (!scope) return deny(`API keys cannot ${action} a ${r.type}`);
  if (!k.scopes.includes(scope)) return deny(`API key lacks scope ${scope}`);
  if (!k.creator.orgs.some((m) => m.orgId === k.orgId)) return deny("the key's creator left its org");
  if (r.type === "thread" && r.orgId !== k.orgId && !(action === "Read" && r.visibility === "public"))
    return deny("thread is outside the key's org");
  const c = user(k.creator, action, r);
  return c.allow ? allow(`scope ${scope}`) : deny(`the key's creator: ${c.reason}`);
}
