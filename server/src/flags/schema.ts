/** Request and response shapes of the flag routes (TypeBox, so they validate bodies and feed OpenAPI). */
import { FLAG_KEY_PATTERN, OPERATORS, type Operator } from "@loom/flags/types";
import { t } from "elysia";

export const FlagKey = t.String({
  minLength: 3,
  maxLength: 100,
  pattern: FLAG_KEY_PATTERN,
  description:
    "a flag key: lower-case words of letters, digits and '_', each starting with a letter, joined by '.'",
});
export const EnvName = t.String({
  pattern: "^[a-z][a-z0-9]{0,19}$",
  description: "an environment name: 1-20 lower-case letters and digits, starting with a letter",
});
const Text = t.String({ maxLength: 1000 });
const Scalar = t.Union([Text, t.Number()]);

export const ConditionT = t.Object({
  attribute: t.String({ minLength: 1, maxLength: 200 }),
  operator: t.Union(OPERATORS.map((o) => t.Literal(o)) as [ReturnType<typeof t.Literal<Operator>>]),
  value: t.Union([Scalar, t.Array(Scalar, { maxItems: 1000 })]),
});
export const RuleT = t.Object({
  description: t.Optional(t.String({ maxLength: 500 })),
  conditions: t.Array(ConditionT, { maxItems: 50 }),
  percentage: t.Optional(t.Number({ minimum: 0, maximum: 100 })),
  schedule: t.Optional(
    t.Object({
      from: t.Optional(t.String({ maxLength: 40 })),
      until: t.Optional(t.String({ maxLength: 40 })),
    }),
  ),
  variant: t.String({ minLength: 1, maxLength: 50 }),
});
export const VariantT = t.Object({
  key: t.String({
    pattern: "^[a-z0-9][a-z0-9_-]{0,49}$",
    description: "a variant key: 1-50 lower-case letters, digits, '_' and '-'",
  }),
  value: t.Unknown(),
});
export const EnvironmentT = t.Object({
  enabled: t.Boolean(),
  rules: t.Array(RuleT, { maxItems: 100 }),
  defaultVariant: t.String({ minLength: 1, maxLength: 50 }),
});
export const PrerequisiteT = t.Object({ flag: FlagKey, variant: t.Optional(t.String({ maxLength: 50 })) });
export const KindT = t.Union([t.Literal("boolean"), t.Literal("multivariate")]);

const editable = {
  kind: KindT,
  description: t.Optional(Text),
  variants: t.Optional(t.Array(VariantT, { minItems: 1, maxItems: 50 })),
  offVariant: t.Optional(t.String({ maxLength: 50 })),
  prerequisites: t.Optional(t.Array(PrerequisiteT, { maxItems: 20 })),
  environments: t.Optional(t.Record(EnvName, EnvironmentT)),
};
export const CreateFlagBody = t.Object({ key: FlagKey, ...editable });
export const UpdateFlagBody = t.Object({
  ...editable,
  /** The version the edit started from: 412 when the flag changed since. */
  version: t.Optional(t.Integer({ minimum: 1 })),
});

export const FlagT = t.Object({
  id: t.String(),
  orgId: t.String(),
  key: t.String(),
  kind: KindT,
  description: t.String(),
  variants: t.Array(VariantT),
  offVariant: t.String(),
  prerequisites: t.Array(PrerequisiteT),
  environments: t.Record(t.String(), EnvironmentT),
  version: t.Number(),
  createdBy: t.String(),
  createdAt: t.String(),
  updatedAt: t.String(),
  archivedAt: t.Nullable(t.String()),
});
export const KillSwitchT = t.Object({
  key: t.String(),
  description: t.String(),
  flags: t.Array(t.String()),
  active: t.Boolean(),
  reason: t.Nullable(t.String()),
  activatedAt: t.Nullable(t.String()),
  activatedBy: t.Nullable(t.String()),
});
export const SdkKeyT = t.Object({
  id: t.String(),
  orgId: t.String(),
  name: t.String(),
  kind: t.Union([t.Literal("client"), t.Literal("server")]),
  environment: t.String(),
  createdBy: t.String(),
  createdAt: t.String(),
  lastUsedAt: t.Nullable(t.String()),
  revokedAt: t.Nullable(t.String()),
});
export const EvaluationT = t.Object({
  key: t.String(),
  value: t.Unknown(),
  variant: t.Nullable(t.String()),
  reason: t.String(),
  errorCode: t.Optional(t.String()),
  errorMessage: t.Optional(t.String()),
  killSwitch: t.Optional(t.String()),
  ruleIndex: t.Optional(t.Number()),
});
