/** `/weavers` (list, create, delete) and `/weavers/:id` (details, live logs, the terminal): lazy chunks. */
import type { RouteRecordRaw } from "vue-router";

export const weaverRoutes: RouteRecordRaw[] = [
  { path: "/weavers", component: () => import("./Weavers.vue"), meta: { title: "Weavers" } },
  // xterm.js loads with this page only.
  { path: "/weavers/:id", component: () => import("./WeaverView.vue"), meta: { title: "Weaver" } },
];
