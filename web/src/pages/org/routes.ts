/** The org admin pages under `/orgs/:org` (members, teams, invitations, API keys, audit log). */
import type { RouteRecordRaw } from "vue-router";

export const orgRoutes: RouteRecordRaw[] = [
  { path: "/orgs", component: () => import("../Orgs.vue"), meta: { title: "Organisations" } },
  { path: "/invite", component: () => import("../AcceptInvite.vue"), meta: { title: "Invitation" } },
  {
    path: "/orgs/:org",
    component: () => import("./OrgLayout.vue"),
    meta: { title: "Organisation" },
    children: [
      { path: "", redirect: (to) => `/orgs/${String(to.params.org)}/members` },
      { path: "members", component: () => import("./OrgMembers.vue"), meta: { title: "Members" } },
      { path: "teams", component: () => import("./OrgTeams.vue"), meta: { title: "Teams" } },
      {
        path: "invitations",
        component: () => import("./OrgInvitations.vue"),
        meta: { title: "Invitations" },
      },
      { path: "api-keys", component: () => import("./OrgApiKeys.vue"), meta: { title: "API keys" } },
      { path: "audit", component: () => import("./OrgAudit.vue"), meta: { title: "Audit log" } },
    ],
  },
];
