/** `GET /api/usage`: the caller's proxy usage per day, token, provider and model. */

import { Elysia, t } from "elysia";
import { access } from "../access/declare.ts";
import { can } from "../access/policy.ts";
import { authPlugin } from "../auth/plugin.ts";
import { type PrincipalResolver, subjectOf } from "../auth/principal.ts";
import type { Backend } from "../db/backend.ts";
import { HttpError } from "../http-error.ts";
import type { CostLookup } from "./usage.ts";

const Day = t.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: "a day as YYYY-MM-DD" });

/** `cost` tells which models have a known price: the others' rows answer `costUsd: null`, not a wrong 0. */
export function usageRoutes(d: {
  rows: Backend["usageRows"];
  resolvers: PrincipalResolver[];
  cost: CostLookup;
}) {
  return new Elysia({ prefix: "/api/usage", detail: { tags: ["usage"] } }).use(authPlugin(d.resolvers)).get(
    "",
    async ({ principal, query }) => {
      const d0 = can(subjectOf(principal), "Read", { type: "user", userId: principal.userId });
      if (!d0.allow) throw new HttpError(403, "FORBIDDEN", d0.reason);
      const items = await d.rows(principal.userId, query.from, query.to);
      const priced = (model: string) => d.cost(model, { inputTokens: 1, outputTokens: 1 }) !== undefined;
      return { items: items.map((i) => ({ ...i, costUsd: priced(i.model) ? i.costUsd : null })) };
    },
    {
      auth: true,
      query: t.Object({ from: t.Optional(Day), to: t.Optional(Day) }),
      response: t.Object({
        items: t.Array(
          t.Object({
            day: t.String(),
            tokenId: t.String(),
            provider: t.String(),
            model: t.String(),
            requests: t.Integer(),
            inputTokens: t.Integer(),
            outputTokens: t.Integer(),
            /** null: no known price for this model (its tokens are counted, its cost is not). */
            costUsd: t.Nullable(t.Number()),
          }),
        ),
      }),
      detail: {
        summary: "The caller's proxy usage by day, token, provider and model",
        operationId: "usage.list",
        ...access("Read", "user"),
      },
    },
  );
}
