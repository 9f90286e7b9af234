import { z } from "@hono/zod-openapi";
import { Problem } from "./problem.ts";

export const ListQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(50)
    .openapi({ description: "1-500, default 50", format: "int32" }),
  cursor: z.string().max(500).optional().openapi({ description: "opaque; the previous page's nextCursor" }),
});

/** Cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor(key: unknown[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

const badCursor = () =>
  new Problem(
    422,
    "validation_failed",
    "invalid query: cursor is not one this service issued",
    [{ path: "cursor", code: "invalid_cursor", message: "not a cursor this service issued" }],
    undefined,
    { where: "query" },
  );

/**
 * The sort key a cursor carries, checked field by field against the shape its list issues, so a forged or
 * mangled cursor is 422 `invalid_cursor` rather than a value the database chokes on (or one in the log).
 */
export function decodeCursor<T extends z.ZodTuple>(cursor: string | undefined, shape: T): z.output<T> | null {
  if (cursor === undefined) return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw badCursor();
  }
  const checked = shape.safeParse(key);
  if (!checked.success) throw badCursor();
  return checked.data;
}

/** The cursor fields the lists use. */
export const CursorField = {
  code: (digits: number) => z.string().regex(new RegExp(`^[0-9]{${digits}}$`)),
  id: z.string().regex(/^[0-9]{1,19}$/),
  uuid: z.string().uuid(),
  instant: z.iso.datetime(),
};

/** Takes `limit + 1` rows, returns a page and the cursor of its last row when more exist. */
export function page<T>(rows: T[], limit: number, keyOf: (row: T) => unknown[]) {
  const data = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCursor(keyOf(data[data.length - 1]!)) : null;
  return { data, nextCursor };
}
