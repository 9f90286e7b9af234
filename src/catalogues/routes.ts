import { createRoute, z } from "@hono/zod-openapi";
import { CATALOGUE_KINDS } from "../assessment/types.ts";
import { callerOf, requireRole } from "../auth/caller.ts";
import type { AppDeps } from "../deps.ts";
import { ListQuery } from "../http/paging.ts";
import { Problem } from "../http/problem.ts";
import { router } from "../http/router.ts";
import {
  Count,
  DecimalOut,
  FacilityCode,
  Text,
  Timestamp,
  json,
  readProblems,
  refusingWhole,
} from "../http/schemas.ts";
import { validationProblem } from "../http/validation.ts";
import { REPORT_LIST_LIMIT, loadCatalogue } from "./load.ts";
import { MAX_ROWS } from "./parse.ts";
import { MAX_CURSOR, listCatalogueEntries } from "./read.ts";

/** The paths of a catalogue (app.ts gives its PUT a CSV body and the catalogue body cap). */
export const CATALOGUE_PATH = /^\/v1\/facilities\/[^/]+\/catalogues\/[^/]+\/?$/;
export const CSV_MEDIA_TYPES = ["text/csv"];

const Kind = z.enum(CATALOGUE_KINDS).openapi({
  description: "drugs (Mẫu 03/DM), supplies (04/DM), services and their prices (05/DM), staff (02/DM)",
});
const Params = z.object({ code: FacilityCode, kind: Kind });

/** A day as the service writes it. */
const DayOut = z
  .string()
  .max(10)
  .regex(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/)
  .openapi({ format: "date", example: "2026-01-01" });
const Validity = {
  validFrom: DayOut.openapi({ description: "first day in force (TU_NGAY)" }),
  validTo: DayOut.nullable().openapi({ description: "last day in force, inclusive (DEN_NGAY); null: open-ended" }),
};
const Price = DecimalOut.openapi({ description: "VND per unit, at most 3 decimals: what the fund pays at most" });

const DrugEntry = z
  .object({
    facilityCode: Text,
    code: Text.openapi({ description: "MA_THUOC" }),
    name: Text,
    concentration: Text.nullable(),
    registrationNumber: Text.nullable(),
    bidInfo: Text.nullable().openapi({ description: "TT_THAU: decision;package;group;year" }),
    unitPrice: Price,
    costGroup: Text.nullable().openapi({ description: "MA_NHOM the drug is billed under, when the file said" }),
    ...Validity,
  })
  .openapi("DrugEntry");
const SupplyEntry = z
  .object({
    facilityCode: Text,
    code: Text.openapi({ description: "MA_VAT_TU" }),
    name: Text,
    bidInfo: Text.nullable(),
    unitPrice: Price,
    ...Validity,
  })
  .openapi("SupplyEntry");
const ServiceEntry = z
  .object({
    facilityCode: Text,
    code: Text.openapi({ description: "MA_DICH_VU" }),
    name: Text,
    unitPrice: Price,
    suppliesIncluded: z.boolean().openapi({ description: "the price already includes the supplies used" }),
    ...Validity,
  })
  .openapi("ServiceEntry");
const StaffEntry = z
  .object({
    facilityCode: Text,
    certificate: Text.openapi({ description: "MACCHN, or MA_BHXH in older layouts" }),
    name: Text.nullable(),
    ...Validity,
  })
  .openapi("StaffEntry");

const ListEntriesQuery = ListQuery.extend({
  // An entry's key is longer than most lists' (a code and a TT_THAU of up to 255 characters each).
  cursor: z.string().max(MAX_CURSOR).optional().openapi({ description: "opaque; the previous page's nextCursor" }),
  code: z.string().min(1).max(255).optional().openapi({ description: "one code's entries (a staff certificate)" }),
  day: z.iso
    .date("must be a date like 2026-03-01")
    .optional()
    .openapi({ description: "only the entries in force on this day", maxLength: 10 }),
});

const EntryKey = z
  .object({
    code: Text,
    bidInfo: Text.nullable().openapi({
      description:
        "TT_THAU: two tenders of one drug or supply code are two entries; null: none (always for services and staff)",
    }),
    validFrom: DayOut,
  })
  .openapi("CatalogueEntryKey");
const keys = (what: string) =>
  z
    .array(EntryKey)
    .max(REPORT_LIST_LIMIT)
    .openapi({
      description: `the ${what} entries' keys, by code, bid (none first), first day (the first ${REPORT_LIST_LIMIT})`,
    });

const LoadReport = z
  .object({
    facilityCode: Text,
    kind: Kind,
    loadedAt: Timestamp,
    rows: Count.openapi({ description: "entries in the file" }),
    sha256: Text.openapi({ description: "SHA-256 of the file as sent" }),
    counts: z.object({ added: Count, changed: Count, removed: Count, unchanged: Count }),
    added: keys("new"),
    changed: keys("changed (another field or last day)"),
    removed: keys("removed"),
    affected: z
      .array(z.object({ code: Text, from: DayOut }))
      .max(REPORT_LIST_LIMIT)
      .openapi({
        description:
          "per code added, changed or removed, the first day whose entry in force is not what it was: claim lines " +
          `of the code ordered from then on may be judged differently (the first ${REPORT_LIST_LIMIT} codes)`,
      }),
    truncated: z.boolean().openapi({ description: `a list holds only its first ${REPORT_LIST_LIMIT} items` }),
  })
  .openapi("CatalogueLoad");

/** A page as every list has it (listOf), with this list's longer cursor. */
const EntryPage = z
  .object({
    data: z.array(z.union([DrugEntry, SupplyEntry, ServiceEntry, StaffEntry])).max(500),
    nextCursor: z.string().max(MAX_CURSOR).nullable(),
  })
  .openapi("CatalogueEntryPage");

const listRoute = createRoute({
  operationId: "listCatalogueEntries",
  method: "get",
  path: "/facilities/{code}/catalogues/{kind}",
  tags: ["Catalogues"],
  summary: "A facility's catalogue of one kind, by code, bid and first day (central, its province, or the facility)",
  request: { params: Params, query: ListEntriesQuery },
  responses: {
    200: json(EntryPage),
    ...readProblems,
  },
});

const loadRoute = {
  operationId: "setCatalogue",
  method: "put" as const,
  path: "/facilities/{code}/catalogues/{kind}",
  tags: ["Catalogues"],
  summary: "Replace a facility's catalogue of one kind with a CSV file in the agency's layout (central)",
  description:
    "The body is the catalogue as the agency's form lays it out (Mẫu 03/DM drugs, 04/DM supplies, 05/DM services, " +
    "02/DM staff): CSV (RFC 4180), UTF-8 with or without a byte-order mark, a header row naming the columns in any " +
    "order, days yyyymmdd, an empty end day open-ended, a point as the decimal mark. The file replaces the " +
    "facility's catalogue of that kind in one transaction: the answer counts the entries added, changed, removed " +
    "and unchanged, and sending the same file again changes nothing. An entry is one code's tender (TT_THAU, or " +
    "none) from one first day: two tenders of one code may be in force at once. A file with any bad row, or with " +
    "periods of one code and TT_THAU that overlap, is refused whole (422, each row named by line and column). At " +
    `most ${MAX_ROWS} rows.`,
  request: {
    params: Params,
    body: {
      required: true,
      content: { "text/csv": { schema: z.string().openapi({ description: "the catalogue", maxLength: 2 ** 31 - 1 }) } },
    },
  },
  responses: {
    200: json(LoadReport, "Loaded over an existing catalogue (all unchanged when the same file is sent again)"),
    201: json(LoadReport, "Loaded: the facility had no entry of this kind before"),
    ...refusingWhole("The file", {
      413: `over the body cap (32 MiB by default), or over ${MAX_ROWS} rows (too_many_rows)`,
      415: "not text/csv in UTF-8",
      422:
        "a bad row (each named `line[N].COLUMN`), overlapping periods of one code and TT_THAU, or a MA_CSKCB of " +
        "another facility",
    }),
  },
};

/** text/csv, in UTF-8 when a charset is named; 415 otherwise. */
function checkMediaType(header: string | undefined) {
  const [type, ...params] = (header ?? "").toLowerCase().split(";");
  const charset = params.map((param) => param.trim()).find((param) => param.startsWith("charset="));
  if (type?.trim() === "text/csv" && (charset === undefined || /^charset="?utf-?8"?$/.test(charset))) return;
  throw new Problem(415, "unsupported_media_type", "send the catalogue as text/csv in UTF-8", undefined, undefined, {
    types: CSV_MEDIA_TYPES,
    utf8: true,
  });
}

/** Catalogues of a facility (issue 23): loaded by central from the agency's CSV layouts, read in scope. */
export function cataloguesRoutes(deps: AppDeps) {
  const app = router();
  app.openAPIRegistry.registerPath(loadRoute);
  // The body is read here as bytes, not by the router: CSV is checked row by row by the service.
  app.put("/facilities/:code/catalogues/:kind", async (ctx) => {
    const caller = callerOf(ctx);
    requireRole(caller, "central");
    const params = Params.safeParse(ctx.req.param());
    if (!params.success) throw validationProblem(params.error, "path");
    checkMediaType(ctx.req.header("content-type"));
    const body = new Uint8Array(await ctx.req.arrayBuffer());
    const input = { facilityCode: params.data.code, kind: params.data.kind, body, requestId: ctx.get("requestId") };
    const { report, created } = await loadCatalogue(deps, caller, input);
    return ctx.json(report, created ? 201 : 200);
  });
  app.openapi(listRoute, async (ctx) => {
    const { code, kind } = ctx.req.valid("param");
    const query = { ...ctx.req.valid("query"), facilityCode: code, kind };
    return ctx.json(await listCatalogueEntries(deps, callerOf(ctx), query), 200);
  });
  return app;
}
