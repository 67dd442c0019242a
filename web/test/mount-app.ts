/**
 * The whole web app mounted in happy-dom at a path, and a bounded wait for what it shows, for page
 * tests. Call `useDom()` first (Vue and the app are imported here after it).
 * @example
 * useDom();
 * const { mountAt, until } = await appMounter();
 * const { wrapper } = await mountAt("/threads");
 * await until(() => wrapper.find(".thread-row").exists());
 */
import { expect } from "bun:test";

export async function appMounter() {
  const { flushPromises, mount } = await import("@vue/test-utils");
  const { createMemoryHistory } = await import("vue-router");
  const { default: App } = await import("../src/App.vue");
  const { setToken } = await import("../src/api/session.ts");
  const { createLoomRouter } = await import("../src/router.ts");
  return {
    /** The app at `path`; signed in with `token` when one is given. */
    async mountAt(path: string, token?: string) {
      if (token !== undefined) setToken(token);
      const router = createLoomRouter(createMemoryHistory());
      await router.push(path);
      await router.isReady();
      const wrapper = mount(App, { global: { plugins: [router] }, attachTo: document.body });
      await flushPromises();
      return { wrapper, router };
    },
    /** Waits until `ok()` holds, at most `tries` rounds of flushing promises and a 5 ms timer. */
    async until(ok: () => boolean, tries = 200) {
      for (let i = 0; i < tries && !ok(); i++) {
        await flushPromises();
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(ok()).toBe(true);
    },
  };
}
