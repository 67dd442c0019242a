import { createRouter, createWebHistory, type RouterHistory } from "vue-router";
import { onUnauthorized } from "./api/client.ts";
import { forgetMe, loadMe } from "./api/me.ts";
import { prefetchThread } from "./api/thread-prefetch.ts";
import { takeReturn } from "./lib/return-path.ts";
import { orgRoutes } from "./pages/org/routes.ts";
import SignIn from "./pages/SignIn.vue";
import Threads from "./pages/Threads.vue";
import { weaverRoutes } from "./pages/weavers/routes.ts";

/** chart.js comes with this page's chunk, not the entry. */
const AnalyticsExplorer = () => import("./pages/AnalyticsExplorer.vue");

export function createLoomRouter(history: RouterHistory = createWebHistory()) {
  const router = createRouter({
    history,
    routes: [
      // A magic link or an OAuth provider lands here: go where the sign-in page was asked to lead.
      { path: "/", redirect: () => takeReturn() ?? "/threads" },
      { path: "/sign-in", component: SignIn, meta: { public: true, title: "Sign in" } },
      { path: "/threads", component: Threads, meta: { title: "Threads" } },
      // Markdown and highlighting load with the first thread opened, not with the first page.
      {
        path: "/threads/:id",
        component: () => import("./pages/ThreadView.vue"),
        meta: { title: "Thread" },
        beforeEnter: (to) => prefetchThread(String(to.params.id)),
      },
      {
        path: "/s/:token",
        component: () => import("./pages/SharedThread.vue"),
        meta: { public: true, title: "Shared thread" },
      },
      ...orgRoutes,
      {
        path: "/device",
        component: () => import("./pages/DeviceApproval.vue"),
        meta: { title: "Approve a sign-in" },
      },
      { path: "/sessions", component: () => import("./pages/SessionList.vue"), meta: { title: "Sessions" } },
      { path: "/usage", component: () => import("./pages/UsageReport.vue"), meta: { title: "Usage" } },
      {
        path: "/support",
        component: () => import("./pages/SupportAccess.vue"),
        meta: { title: "Support access" },
      },
      { path: "/flags", component: () => import("./pages/Flags.vue"), meta: { title: "Feature flags" } },
      { path: "/analytics", component: AnalyticsExplorer, meta: { title: "Analytics" } },
      ...weaverRoutes,
      {
        path: "/:rest(.*)*",
        component: () => import("./pages/NotFound.vue"),
        meta: { public: true, title: "Not found" },
      },
    ],
  });
  router.beforeEach(async (to) => {
    if (to.meta.public) return true;
    const who = await loadMe().catch(() => null);
    return who ? true : { path: "/sign-in", query: { next: to.fullPath } };
  });
  router.afterEach((to) => {
    document.title = `${String(to.meta.title ?? "Loom")} · Loom`;
  });
  // The session ended under an open page (revoked, expired): sign in again and come back.
  onUnauthorized(() => {
    forgetMe();
    const at = router.currentRoute.value;
    if (!at.meta.public) void router.replace({ path: "/sign-in", query: { next: at.fullPath } });
  });
  return router;
}
