/**
 * The org admin pages mounted in happy-dom against the real server app in-process (fetch →
 * app.handle, SQLite): orgs list, create and join; members with roles, removal and join requests;
 * teams; invitations and the accept page; API keys shown once; the audit log; what a plain member sees.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { appHarness } from "../../../test/app-harness.ts";

const { call, mountAt, person, until } = await appHarness();

let olga: { id: string; token: string };
let mo: { id: string; token: string };
let jo: { id: string; token: string };

beforeAll(async () => {
  olga = await person("olga@example.com", "Olga"); // the first account: system_admin too
  mo = await person("mo@example.com", "Mo");
  jo = await person("jo@example.com", "Jo");
  expect((await call("POST", "/api/orgs", olga.token, { slug: "acme", name: "Acme" })).status).toBe(201);
  await call("PUT", `/api/orgs/acme/members/${mo.id}`, olga.token, { role: "member" });
});

describe("org admin pages", () => {
  test("orgs: my orgs with my role; creating one opens it; asking to join another sends a join request", async () => {
    const { wrapper, router } = await mountAt("/orgs", jo.token);
    await until(() => wrapper.text().includes("not in any organisation"));
    await wrapper.get("#join-slug").setValue("acme");
    await wrapper.findAll("form")[1]?.trigger("submit");
    await until(() => wrapper.text().includes("Asked to join acme"));
    await wrapper.get("#org-slug").setValue("jos-org");
    await wrapper.findAll("form")[0]?.trigger("submit");
    await until(() => router.currentRoute.value.path === "/orgs/jos-org/members");
    await until(() => wrapper.findAll(".member-row").length === 1);
    expect(wrapper.get("h1").text()).toContain("owner");
    wrapper.unmount();
  });

  test("members: roles, approving a join request, removing a member", async () => {
    const { wrapper } = await mountAt("/orgs/acme/members", olga.token);
    await until(
      () => wrapper.findAll(".member-row").length === 2 && wrapper.findAll(".join-request").length === 1,
    );
    expect(wrapper.get(".join-request").text()).toContain("jo@example.com");
    await wrapper.get(".join-request button").trigger("click"); // Approve
    await until(() => wrapper.findAll(".member-row").length === 3);
    await wrapper.get(`#role-${mo.id}`).setValue("admin");
    await until(() => wrapper.text().includes("Mo is now admin."));
    const roles = (await (await call("GET", "/api/orgs/acme/members", olga.token)).json()) as {
      items: { userId: string; role: string }[];
    };
    expect(roles.items.find((m) => m.userId === mo.id)?.role).toBe("admin");
    await wrapper.get(`#role-${mo.id}`).setValue("member");
    await until(() => wrapper.text().includes("Mo is now member."));
    await wrapper.get('button[aria-label="Remove Jo"]').trigger("click");
    await until(() => wrapper.text().includes("Jo was removed."));
    expect(wrapper.findAll(".member-row")).toHaveLength(2);
    wrapper.unmount();
  });

  test("teams: create, add a member with a role, remove them, delete the team", async () => {
    const { wrapper } = await mountAt("/orgs/acme/teams", olga.token);
    await until(() => wrapper.text().includes("No teams yet"));
    await wrapper.get("#team-slug").setValue("core");
    await wrapper.get("#team-name").setValue("Core");
    await wrapper.get("form.inline-form").trigger("submit");
    await until(() => wrapper.findAll(".team-row").length === 1);
    await wrapper.get(".team-row button.link").trigger("click");
    await until(() => wrapper.find("#team-add").exists());
    await wrapper.get("#team-add").setValue(mo.id);
    await wrapper.get("#team-add-role").setValue("maintainer");
    await wrapper.get(".team-detail form").trigger("submit");
    await until(() => wrapper.findAll(".team-member").length === 1);
    expect(wrapper.get(".team-member").text()).toContain("maintainer");
    expect(wrapper.get(".team-row").text()).toContain("1 member");
    await wrapper.get('button[aria-label="Remove Mo from the team"]').trigger("click");
    await until(() => wrapper.findAll(".team-member").length === 0);
    await wrapper.get('button[aria-label="Delete team Core"]').trigger("click");
    await until(() => wrapper.text().includes("No teams yet"));
    wrapper.unmount();
  });

  test("invitations: the link is shown once without mail; withdrawing; the accept page joins the invitee", async () => {
    const { wrapper } = await mountAt("/orgs/acme/invitations", olga.token);
    await until(() => wrapper.text().includes("Open invitations"));
    await wrapper.get("#invite-email").setValue("ivy@example.com");
    await wrapper.get("#invite-role").setValue("admin");
    await wrapper.get("form").trigger("submit");
    await until(() => wrapper.find("code.secret").exists());
    const link = wrapper.get("code.secret").text();
    expect(link).toMatch(/^http:\/\/localhost\/invite\?token=li_/);
    await until(() => wrapper.findAll(".invitation-row").length === 1);
    await wrapper.get("#invite-email").setValue("gone@example.com");
    await wrapper.get("form").trigger("submit");
    await until(() => wrapper.findAll(".invitation-row").length === 2);
    await wrapper.get('button[aria-label="Withdraw the invitation of gone@example.com"]').trigger("click");
    await until(() => wrapper.findAll(".invitation-row").length === 1);
    wrapper.unmount();

    const ivy = await person("ivy@example.com", "Ivy");
    const page = await mountAt(new URL(link).pathname + new URL(link).search, ivy.token);
    await page.wrapper.get("section.narrow button").trigger("click");
    await until(() => page.wrapper.find(".joined").exists());
    expect(page.wrapper.get(".joined").text()).toBe("You joined Acme as admin.");
    page.wrapper.unmount();
    // A second use says why it fails, in one line.
    const again = await mountAt(new URL(link).pathname + new URL(link).search, ivy.token);
    await again.wrapper.get("section.narrow button").trigger("click");
    await until(() => again.wrapper.find("[role=alert]").exists());
    expect(again.wrapper.get("[role=alert]").text()).toBe("this invitation was already used");
    again.wrapper.unmount();

    // Made an admin directly before opening the link: the page says the invitation changed nothing
    // (in an org of its own, so the audit test below counts acme's events only).
    await call("POST", "/api/orgs", olga.token, { slug: "beta", name: "Beta" });
    const sent = (await (
      await call("POST", "/api/orgs/beta/invitations", olga.token, { email: "jo@example.com" })
    ).json()) as { link: string };
    await call("PUT", `/api/orgs/beta/members/${jo.id}`, olga.token, { role: "admin" });
    const member = await mountAt(new URL(sent.link).pathname + new URL(sent.link).search, jo.token);
    await member.wrapper.get("section.narrow button").trigger("click");
    await until(() => member.wrapper.find(".joined").exists());
    expect(member.wrapper.get(".joined").text()).toBe(
      "You are already a member of Beta (as admin); the invitation changed nothing.",
    );
    member.wrapper.unmount();
    await call("DELETE", `/api/orgs/beta/members/${jo.id}`, olga.token);
  });

  test("API keys: the key is shown once, listed without it, revocable", async () => {
    const { wrapper } = await mountAt("/orgs/acme/api-keys", olga.token);
    await until(() => wrapper.text().includes("No keys yet"));
    await wrapper.get("#key-name").setValue("ci");
    await wrapper.get('input[value="llm:use"]').setValue(true);
    await wrapper.get("form").trigger("submit");
    await until(() => wrapper.find(".new-key").exists() && wrapper.findAll(".key-row").length === 1);
    const key = wrapper.get(".new-key").text();
    expect(key).toMatch(/^lk_/);
    expect(wrapper.get(".key-row").text()).toContain("llm:use, threads:read");
    expect(wrapper.get("table").text()).not.toContain(key);
    await wrapper.get('button[aria-label="Revoke ci"]').trigger("click");
    await until(() => wrapper.get(".key-row").text().includes("revoked"));
    expect((await call("GET", "/api/auth/me", key)).status).toBe(401);
    wrapper.unmount();
  });

  test("audit log: the org's events, newest first, filtered by action", async () => {
    const { wrapper } = await mountAt("/orgs/acme/audit", olga.token);
    await until(() => wrapper.findAll(".audit-row").length > 5);
    expect(wrapper.get(".audit-row").text()).toContain("apikey.revoke");
    await wrapper.get("#audit-action").setValue("org.join");
    await wrapper.get("form").trigger("submit");
    await until(() => wrapper.findAll(".audit-row").every((r) => r.text().includes("org.join")));
    expect(wrapper.findAll(".audit-row")).toHaveLength(2); // jo by request, ivy by invitation
    // By actor: a member is picked by name and shown by name and address.
    await wrapper.get("#audit-action").setValue("");
    await until(() => wrapper.findAll("#audit-actor option").some((o) => o.text() === "Ivy"));
    const ivyId = wrapper
      .findAll("#audit-actor option")
      .find((o) => o.text() === "Ivy")
      ?.attributes("value");
    await wrapper.get("#audit-actor").setValue(ivyId);
    await wrapper.get("form").trigger("submit");
    await until(() => wrapper.findAll(".audit-row").length === 1);
    expect(wrapper.get(".audit-row").text()).toContain("Ivy <ivy@example.com>");
    expect(wrapper.get(".audit-row").text()).toContain("org.join");
    wrapper.unmount();
  });

  test("a plain member sees members and teams only; the admin pages refuse them", async () => {
    const { wrapper } = await mountAt("/orgs/acme/members", mo.token);
    await until(() => wrapper.findAll(".member-row").length === 3);
    const tabs = wrapper.findAll(".tabs a").map((a) => a.text());
    expect(tabs).toEqual(["Members", "Teams"]);
    expect(wrapper.find("select").exists()).toBe(false);
    expect(wrapper.find('button[aria-label^="Remove"]').exists()).toBe(false);
    wrapper.unmount();
    const audit = await mountAt("/orgs/acme/audit", mo.token);
    await until(() => audit.wrapper.find("[role=alert]").exists());
    expect(audit.wrapper.get("[role=alert]").text()).toBe("org member cannot manage the org");
    audit.wrapper.unmount();
  });
});
