import { createRouter, createWebHistory, type RouterHistory } from "vue-router";
import { getToken } from "./api/session.ts";
import { prefetchThread } from "./api/thread-prefetch.ts";
import SignIn from "./pages/SignIn.vue";
import Threads from "./pages/Threads.vue";

export function createLoomRouter(history: RouterHistory = createWebHistory()) {
  const router = createRouter({
    history,
    routes: [
      { path: "/", redirect: "/threads" },
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
      {
        path: "/:rest(.*)*",
        component: () => import("./pages/NotFound.vue"),
        meta: { public: true, title: "Not found" },
      },
    ],
  });
  router.beforeEach((to) => {
    if (!to.meta.public && !getToken()) return { path: "/sign-in", query: { next: to.fullPath } };
    return true;
  });
  router.afterEach((to) => {
    document.title = `${String(to.meta.title ?? "Loom")} · Loom`;
  });
  return router;
}
