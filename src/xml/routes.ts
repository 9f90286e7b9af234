import { bodyLimits } from "../http/middleware.ts";
import { createRoute, z } from "@hono/zod-openapi";
import { type Caller, callerOf, requireRole } from "../auth/caller.ts";
import { BatchResponseSchema } from "../batches/schema.ts";
import type { AppDeps } from "../deps.ts";
import { Problem, forbidden, unprocessable } from "../http/problem.ts";
import { router } from "../http/router.ts";
import { issueParams } from "../http/validation.ts";
import { Text, Count, FacilityCode, json, problems, refusingWhole } from "../http/schemas.ts";
import { XML_CHUNK_SIZE, importXml } from "./import.ts";
import { inflateGzip } from "./inflate.ts";

/** Where the XML route lives; app.ts lets its body through unbuffered and typed as XML. */
export const XML_BATCH_PATH = "/v1/batches/xml";
export const XML_MEDIA_TYPES = ["application/xml", "text/xml"];

// Room for a chunk suffix (":12345") within the 100 characters of a batchId.
const BatchId = z
  .string()
  .min(1)
  .max(90)
  .regex(/^[A-Za-z0-9._:/-]+$/, "letters, digits and . _ : / - only");
const Query = z.object({ batchId: BatchId.optional(), facility: FacilityCode.optional() });

const XmlBatchResponseSchema = BatchResponseSchema.extend({
  chunks: z
    .array(z.object({ batchId: Text, received: Count, replayed: z.boolean() }))
    .max(10_000)
    .openapi({
      description:
        `The stored batches the file became, ${XML_CHUNK_SIZE} episodes each: the file's batchId, then ` +
        `<batchId>:2, <batchId>:3 ... A replayed chunk was stored by an earlier request.`,
    }),
}).openapi("XmlBatchResponse");

/** The envelope's bytes as they arrive, inflated (and watched: inflate.ts) when sent with Content-Encoding: gzip. */
function bodyStream(raw: Request): AsyncIterable<Uint8Array> {
  const body = raw.body;
  if (!body)
    throw unprocessable("the body is empty", [
      { path: "(body)", code: "required", message: "send the envelope as the body" },
    ]);
  const encoding = (raw.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding === "identity") return body as unknown as AsyncIterable<Uint8Array>;
  if (encoding === "gzip") return inflateGzip(body);
  throw new Problem(415, "unsupported_media_type", "Content-Encoding may be gzip or none", undefined, undefined, {
    reason: "encoding",
  });
}

/** The route's contract; its body is streamed and counted by the reader, not parsed by the router. */
const xmlRoute = createRoute({
  // Relative to where app.ts mounts this router (XML_BATCH_PATH).
  operationId: "submitXmlFile",
  method: "post",
  path: "/",
  tags: ["Batches"],
  summary: "Submit a claim file in the Ministry of Health XML standard (facility key, or central)",
  description: [
    "The body is one envelope (GIAMDINHHS, UTF-8, optionally gzip-compressed with Content-Encoding: gzip): each " +
      "HOSO is one episode whose summary table (XML1, 130/4750 or legacy 4210) becomes a claim, mapped by " +
      "rules/xml-mapping.json, and then goes through exactly the checks of POST /v1/batches.",
    "The envelope's MACSKCB must be the key's facility (403), or the one a central key names with ?facility=; an " +
      "episode whose MA_CSKCB differs is rejected alone.",
    "batchId defaults to xml-<SHA-256 of the body>, so sending the same file again returns the first response with " +
      "200; other content under the same batchId is 409 batch_conflict.",
    `The file is read whole before anything is stored (a file with a DOCTYPE, deep nesting, invalid base64 or not ` +
      `UTF-8 is refused and stores nothing), then stored in chunks of ${XML_CHUNK_SIZE} episodes: a send that ` +
      `broke off resumes when sent again.`,
    "Errors name the episode and the field: `HOSO[12].XML1.NGAY_RA` (HOSO counted from 0, like index).",
  ].join("\n\n"),
  request: {
    query: Query,
    body: {
      required: true,
      content: Object.fromEntries(
        XML_MEDIA_TYPES.map((t) => [
          t,
          { schema: z.string().openapi({ description: "GIAMDINHHS envelope", maxLength: 2 ** 31 - 1 }) },
        ]),
      ),
    },
  },
  responses: {
    200: json(XmlBatchResponseSchema, "Replay: every chunk was stored before; nothing stored now"),
    201: json(
      XmlBatchResponseSchema,
      "Stored. Each episode is taken or rejected alone: one whose summary cannot be read or translated " +
        "(facility_mismatch, amounts_inconsistent, duplicate_in_batch ...) or whose claim fails a claim check has " +
        "outcome `rejected` with its `errors`, and the others are stored",
    ),
    ...refusingWhole("The file", {
      400: "not well-formed XML (xml_malformed), not UTF-8 (xml_encoding), or a broken gzip (invalid_content_encoding)",
      409: "batch_conflict: the batchId was used before for other content",
      413: "over the body cap (2 GiB by default, inflated), a compression ratio no claim file has, or too slow",
      415: "not application/xml or text/xml in UTF-8, or a Content-Encoding other than gzip",
      422:
        "a DOCTYPE, nesting past 32, invalid base64, no GIAMDINHHS, MACSKCB or HOSO, a SOLUONGHOSO that does not " +
        "match, or an unknown MACSKCB",
    }),
    503: {
      ...problems[503],
      description: "The database is unavailable: chunks stored before it stay stored; send the file again to resume",
    },
  },
});

/** XML or 415: the content type must be one of XML_MEDIA_TYPES, in UTF-8. */
function checkMediaType(header: string | undefined): void {
  const [type, ...params] = (header ?? "")
    .toLowerCase()
    .split(";")
    .map((part) => part.trim());
  const charset = params
    .find((param) => param.startsWith("charset="))
    ?.slice(8)
    .replace(/"/g, "");
  if (!XML_MEDIA_TYPES.includes(type ?? "") || (charset !== undefined && !/^utf-?8$/.test(charset)))
    throw new Problem(
      415,
      "unsupported_media_type",
      `send the envelope as ${XML_MEDIA_TYPES.join(" or ")} in UTF-8`,
      undefined,
      undefined,
      { types: XML_MEDIA_TYPES, utf8: true },
    );
}

/** ?batchId= and ?facility=, checked; a facility key may name only itself. */
function fileQuery(caller: Caller, batchId: string | undefined, facility: string | undefined) {
  const query = Query.safeParse({ batchId, facility });
  if (!query.success) {
    const issue = query.error.issues[0]!;
    throw unprocessable(
      `invalid query: ${String(issue.path[0])}`,
      [{ path: String(issue.path[0]), code: "invalid_format", message: issue.message, params: issueParams(issue) }],
      { where: "query" },
    );
  }
  const named = query.data.facility;
  if (caller.role === "facility" && named !== undefined && named !== caller.facilityCode)
    throw forbidden("a facility key submits batches for its own facility only", { reason: "own_facility" });
  return { batchId: query.data.batchId, facilityCode: caller.role === "facility" ? caller.facilityCode : named };
}

/** Claim files in the Ministry of Health XML standard (Decision 130/4750, legacy 4210): issue 11. */
export function xmlRoutes(deps: AppDeps) {
  const app = router();
  // Relative to where app.ts mounts this router (XML_BATCH_PATH).
  app.openAPIRegistry.registerPath(xmlRoute);
  app.post("/", async (ctx) => {
    const caller = callerOf(ctx);
    requireRole(caller, "facility", "central");
    checkMediaType(ctx.req.header("content-type"));
    const { batchId, facilityCode } = fileQuery(caller, ctx.req.query("batchId"), ctx.req.query("facility"));
    const { status, response } = await importXml(deps, {
      caller,
      facilityCode,
      batchId,
      body: bodyStream(ctx.req.raw),
      // The cap counts the inflated body too: a gzip's Content-Length says little.
      limits: { maxBytes: bodyLimits(deps.bodyLimits).xml },
      // A web stream hands its chunks over to the reader.
      bodyOwned: true,
    });
    return ctx.json(response, status);
  });
  return app;
}
