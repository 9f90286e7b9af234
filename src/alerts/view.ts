import { z } from "@hono/zod-openapi";
import { fixed, formatMoney } from "../domain/money.ts";
import type { Prisma } from "../generated/prisma/client.ts";
import { Text, Count, MoneyOut, RatioOut, Timestamp, iso } from "../http/schemas.ts";

/** The Alert of the contract, shared by the API, the webhooks and the dashboard. */
export const KINDS = ["usage_threshold", "projected_overrun", "stuck_backlog"] as const;
export const STATUSES = ["open", "acknowledged", "resolved"] as const;
export type Status = (typeof STATUSES)[number];

const NoteView = z
  .object({
    action: z.enum(["acknowledge", "resolve"]),
    note: Text,
    at: Timestamp,
    keyId: Text.nullable().openapi({ description: "the key that took the step" }),
  })
  .openapi("AlertNote");

export const AlertView = z
  .object({
    id: z.string().uuid().max(36),
    kind: z.enum(KINDS),
    provinceCode: Text,
    year: Count,
    threshold: RatioOut.nullable().openapi({
      description:
        "usage_threshold: the threshold reached; projected_overrun: the projected ratio that triggers it " +
        "(rules.usage.projectedOverrun.ratio). 4 decimals.",
    }),
    severity: Text,
    ratioAtRaise: RatioOut.nullable().openapi({
      description:
        "usage_threshold: spent / estimate when raised; projected_overrun: the projected year-end ratio when raised. " +
        "4 decimals, rounded half up.",
    }),
    spentAtRaise: MoneyOut,
    estimateAtRaise: MoneyOut.nullable(),
    raisedAt: Timestamp,
    status: z.enum(STATUSES),
    acknowledgedAt: Timestamp.nullable(),
    resolvedAt: Timestamp.nullable(),
    notes: z.array(NoteView).max(10).openapi({ description: "the steps taken on the alert, oldest first" }),
  })
  .openapi("Alert");

export type AlertRow = Prisma.AlertGetPayload<{ include: { notes: true } }>;

const ratioText = (v: Prisma.Decimal | null) => (v === null ? null : fixed(v.toString(), 4));

export function alertView(row: AlertRow): z.infer<typeof AlertView> {
  return {
    id: row.id,
    kind: row.kind,
    provinceCode: row.provinceCode,
    year: row.year,
    threshold: ratioText(row.threshold),
    severity: row.severity,
    ratioAtRaise: ratioText(row.ratioAtRaise),
    spentAtRaise: formatMoney(row.spentAtRaise.toString()),
    estimateAtRaise: row.estimateAtRaise === null ? null : formatMoney(row.estimateAtRaise.toString()),
    raisedAt: row.raisedAt.toISOString(),
    status: row.status,
    acknowledgedAt: iso(row.acknowledgedAt),
    resolvedAt: iso(row.resolvedAt),
    notes: [...row.notes]
      .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
      .map((n) => ({
        action: n.action as "acknowledge" | "resolve",
        note: n.note,
        at: n.at.toISOString(),
        keyId: n.keyId,
      })),
  };
}
