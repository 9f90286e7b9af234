/** @jsxImportSource hono/jsx */
import { listBatches } from "../batches/list.ts";
import { listBatchRejections, type Rejection } from "../batches/read.ts";
import { listClaims } from "../claims/read.ts";
import { fieldText } from "../http/problem-messages.ts";
import { ClaimTable } from "./claims-list.tsx";
import { count, vnTime } from "./format.ts";
import type { Lang, Words } from "./i18n.ts";
import { type Ctx, type Kit, notFoundPage, orNotFound, page, type Page, queryMatching, render } from "./kit.tsx";
import { type Column, DataTable, Downloads, exportFormat, exportTable } from "./tables.tsx";

type BatchRow = Awaited<ReturnType<typeof listBatches>>["data"][number];

const HOSPITAL = ["facility", "central"] as const;

/** A batch's page on the dashboard (a central reader names the facility). */
const batchHref = (batch: { batchId: string; facilityCode: string }) =>
  `/dashboard/batches/${encodeURIComponent(batch.batchId)}?facility=${batch.facilityCode}`;

/** The batches list's columns: the page, its CSV and its XLSX. */
function batchColumns(words: Words, lang: Lang): Column<BatchRow>[] {
  const counted = (key: string, label: string, pick: (row: BatchRow) => number): Column<BatchRow> => ({
    key,
    label,
    cell: (row) => count(pick(row), lang),
    sort: pick,
    num: true,
  });
  return [
    { key: "batchId", label: words.batchId, cell: (row) => row.batchId, sort: (row) => row.batchId },
    { key: "facility", label: words.facility, cell: (row) => row.facilityCode, sort: (row) => row.facilityCode },
    {
      key: "receivedAt",
      label: words.receivedAt,
      cell: (row) => vnTime(row.receivedAt),
      sort: (row) => row.receivedAt,
    },
    counted("claims", words.claims, (row) => row.claimCount),
    counted("accepted", words.accepted, (row) => row.accepted),
    counted("pending", words.pending, (row) => row.pendingDocumentation),
    counted("rejected", words.rejected, (row) => row.rejected),
    counted("corrected", words.corrected, (row) => row.corrected),
    counted("unchanged", words.unchanged, (row) => row.unchanged),
  ];
}

function BatchTable(props: { w: Words; lang: Lang; batches: BatchRow[]; next: string | null; downloads?: string }) {
  const { w: words, lang } = props;
  if (!props.batches.length) return <p>{words.none}</p>;
  const columns = batchColumns(words, lang);
  return (
    <>
      <DataTable
        columns={columns}
        rows={props.batches}
        link={batchHref}
        rowAttrs={(batch) => ({ "data-batch": batch.batchId, class: batch.rejected ? "over" : "" })}
      />
      {props.next ? (
        <nav class="pager" aria-label={words.batches}>
          <a href={props.next} rel="next">
            {words.next}
          </a>
        </nav>
      ) : null}
      {props.downloads ? <Downloads w={words} href={props.downloads} /> : null}
    </>
  );
}

/**
 * A hospital's landing page: what waits on it (claims missing documents, claims automated assessment found something
 * in, batches with rejections), newest first.
 */
export async function hospitalHome(kit: Kit, ctx: Ctx, pageData: Page) {
  const { w: words, lang, caller } = pageData;
  const waiting = await listClaims(kit.deps, caller, { limit: 20, status: "pending_documentation" });
  const found = await listClaims(kit.deps, caller, { limit: 20, hasFindings: true });
  const rejected = await listBatches(kit.deps, caller, { limit: 10, hasRejections: true });
  const recent = await listBatches(kit.deps, caller, { limit: 10 });
  return render(
    ctx,
    pageData,
    words.workplace,
    <>
      <h1>{words.workplace}</h1>
      <h2>{words.waitingDocuments}</h2>
      <ClaimTable
        w={words}
        lang={lang}
        claims={waiting.data}
        next={waiting.nextCursor ? "/dashboard/claims?status=pending_documentation" : null}
        first={null}
        downloads="/dashboard/claims?status=pending_documentation"
        label={words.waitingDocuments}
      />
      <h2 id="findings">{words.findingsToFix}</h2>
      <ClaimTable
        w={words}
        lang={lang}
        claims={found.data}
        next={found.nextCursor ? "/dashboard/claims?hasFindings=true" : null}
        first={null}
        downloads="/dashboard/claims?hasFindings=true"
        label={words.findingsToFix}
      />
      <h2>{words.hasRejections}</h2>
      <BatchTable
        w={words}
        lang={lang}
        batches={rejected.data}
        next={rejected.nextCursor ? "/dashboard/batches?hasRejections=true" : null}
      />
      <h2>{words.batches}</h2>
      <BatchTable w={words} lang={lang} batches={recent.data} next={recent.nextCursor ? "/dashboard/batches" : null} />
    </>,
  );
}

/** Every batch the caller may see, a page at a time; `hasRejections=true` keeps those with rejected claims. */
export async function batchesPage(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx, HOSPITAL);
  if (pageData instanceof Response) return pageData;
  const { w: words, lang, caller } = pageData;
  const format = exportFormat(ctx);
  const hasRejections = ctx.req.query("hasRejections") === "true" ? true : undefined;
  const filter = { hasRejections, facility: queryMatching(ctx, "facility", /^\d{5}$/) };
  const batches = await listBatches(kit.deps, caller, {
    ...filter,
    limit: format ? 1000 : 50,
    cursor: queryMatching(ctx, "cursor", /^[\w-]{1,300}$/),
  });
  if (format) return exportTable(format, batchColumns(words, lang), batches.data, "batches");
  const query = new URLSearchParams(
    Object.entries(filter).flatMap(([name, value]) => (value === undefined ? [] : [[name, String(value)]])),
  ).toString();
  return render(
    ctx,
    pageData,
    words.batches,
    <>
      <h1>{words.batches}</h1>
      <p>
        {hasRejections ? (
          <a href="/dashboard/batches">{words.all}</a>
        ) : (
          <a href="/dashboard/batches?hasRejections=true">{words.hasRejections}</a>
        )}
      </p>
      <BatchTable
        w={words}
        lang={lang}
        batches={batches.data}
        next={batches.nextCursor ? `/dashboard/batches?${query}&cursor=${batches.nextCursor}` : null}
        downloads={`/dashboard/batches?${query}`}
      />
    </>,
  );
}

function rejectionColumns(words: Words, lang: Lang): Column<Rejection>[] {
  return [
    { key: "index", label: "#", cell: (row) => String(row.index + 1), sort: (row) => row.index, num: true },
    { key: "claimId", label: words.claimId, cell: (row) => row.claimId ?? "—", sort: (row) => row.claimId },
    { key: "path", label: words.field, cell: (row) => row.path, sort: (row) => row.path },
    // Stored in English with the batch; shown in the page's language by the field error's code.
    { key: "message", label: words.message, cell: (row) => fieldText(row, lang).message, sort: (row) => row.code },
    { key: "code", label: words.errorCode, cell: (row) => row.code, sort: (row) => row.code },
  ];
}

/** One batch: the claims it had rejected, each with the field and the reason, to fix and send again. */
export async function batchPage(kit: Kit, ctx: Ctx) {
  const pageData = await page(kit, ctx, HOSPITAL);
  if (pageData instanceof Response) return pageData;
  const { w: words } = pageData;
  const batchId = ctx.req.param("batchId") ?? "";
  const facility = queryMatching(ctx, "facility", /^\d{5}$/);
  const format = exportFormat(ctx);
  const rejections = await orNotFound(
    listBatchRejections(kit.deps, pageData.caller, {
      batchId,
      facility: pageData.caller.role === "facility" ? undefined : facility,
      limit: format ? 5000 : 200,
      cursor: queryMatching(ctx, "cursor", /^[\w-]{1,300}$/),
    }),
  );
  if (!rejections) return notFoundPage(ctx, pageData);
  const columns = rejectionColumns(words, pageData.lang);
  if (format) return exportTable(format, columns, rejections.data, `rejections-${batchId.replace(/[^\w-]/g, "_")}`);
  const self = `/dashboard/batches/${encodeURIComponent(batchId)}${facility ? `?facility=${facility}` : ""}`;
  const join = self.includes("?") ? "&" : "?";
  return render(
    ctx,
    pageData,
    `${words.batch} ${batchId}`,
    <>
      <h1>{`${words.batch} ${batchId}`}</h1>
      <h2>{words.rejections}</h2>
      {rejections.data.length ? (
        <DataTable
          columns={columns}
          rows={rejections.data}
          rowAttrs={(row) => ({ "data-rejection": `${row.batchId}:${row.index}` })}
        />
      ) : (
        <p>{words.none}</p>
      )}
      {rejections.nextCursor ? (
        <nav class="pager" aria-label={words.rejections}>
          <a href={`${self}${join}cursor=${rejections.nextCursor}`} rel="next">
            {words.next}
          </a>
        </nav>
      ) : null}
      <Downloads w={words} href={self} />
    </>,
  );
}
