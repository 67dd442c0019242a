/**
 * The support page (`/support`) mounted in happy-dom against the real server app in-process
 * (SQLite): the nav link only for the `support` role, the threads shared with support linking to
 * the thread view, the empty state, and the server's refusal shown to anyone else.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { sampleThread } from "@loom/server/test-helpers";
import { appHarness } from "../../test/app-harness.ts";

const { backend, call, mountAt, person, until } = await appHarness();

let olga: { id: string; token: string };
let sam: { id: string; token: string };

beforeAll(async () => {
  olga = await person("olga@example.com", "Olga");
  sam = await person("sam@example.com", "Sam");
  await backend.accounts.users.setRoles(sam.id, ["support"]);
});

describe("support page", () => {
  test("support staff: the nav link, the empty state, then a granted thread linking to its view", async () => {
    const first = await mountAt("/support", sam.token);
    await until(() => first.wrapper.find(".empty").exists());
    expect(first.wrapper.find(".empty").text()).toBe("No thread is shared with support now.");
    expect(first.wrapper.find('nav a[href="/support"]').exists()).toBe(true);
    first.wrapper.unmount();

    const th = sampleThread({ title: "Parser hangs", visibility: "private" });
    expect((await call("PUT", `/api/threads/${th.id}`, olga.token, th)).status).toBeLessThan(300);
    const granted = await call("POST", `/api/threads/${th.id}/support-access`, olga.token);
    expect(granted.status).toBe(201);
    const { expiresAt } = (await granted.json()) as { expiresAt: string };

    const { wrapper, router } = await mountAt("/support", sam.token);
    await until(() => wrapper.findAll(".support-row").length === 1);
    const row = wrapper.find(".support-row");
    expect(row.find("a").text()).toBe("Parser hangs");
    expect(row.find("a").attributes("href")).toBe(`/threads/${th.id}`);
    expect(row.text()).toContain("Olga");
    expect(row.find("time").attributes("datetime")).toBe(expiresAt);
    await row.find("a").trigger("click");
    await until(() => router.currentRoute.value.path === `/threads/${th.id}`);
    wrapper.unmount();
  });

  test("anyone else: no nav link, and the server's refusal in one line", async () => {
    const { wrapper } = await mountAt("/support", olga.token);
    await until(() => wrapper.find(".error").exists());
    expect(wrapper.find(".error").text()).toContain(
      "only support staff list the threads shared with support",
    );
    expect(wrapper.find('nav a[href="/support"]').exists()).toBe(false);
    expect(wrapper.find(".support-row").exists()).toBe(false);
    wrapper.unmount();
  });
});
