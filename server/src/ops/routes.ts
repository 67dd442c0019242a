/** `/health` (database and configured providers, names only) and `/metrics` (Prometheus text). */

import { VERSION } from "@loom/runtime/version";
import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import type { Awaitable } from "../db/backend.ts";
import type { Metrics } from "./metrics.ts";

export function opsRoutes(d: { ping: () => Awaitable<void>; metrics: Metrics; providers: () => string[] }) {
  const checkDb = async (): Promise<{ status: "ok" | "error"; message?: string }> => {
    try {
      await d.ping();
      return { status: "ok" };
    } catch {
      return { status: "error", message: "database unreachable" };
    }
  };
  return new Elysia({ detail: { tags: ["ops"] } })
    .get(
      "/health",
      async ({ set }) => {
        const database = await checkDb();
        const status = database.status === "ok" ? "ok" : "degraded";
        if (status !== "ok") set.status = 503;
        return {
          status,
          version: VERSION,
          components: { database, providers: { configured: d.providers() } },
        };
      },
      {
        response: {
          200: t.Object({
            status: t.String(),
            version: t.String(),
            components: t.Object({
              database: t.Object({ status: t.String(), message: t.Optional(t.String()) }),
              providers: t.Object({ configured: t.Array(t.String()) }),
            }),
          }),
        },
        detail: {
          summary: "Health of the server and its components",
          operationId: "ops.health",
          security: [],
          ...access("Read", "none"),
        },
      },
    )
    .get(
      "/metrics",
      () => new Response(d.metrics.render(), { headers: { "content-type": "text/plain; version=0.0.4" } }),
      {
        detail: {
          summary: "Prometheus metrics",
          operationId: "ops.metrics",
          security: [],
          ...access("Read", "none"),
        },
      },
    );
}
