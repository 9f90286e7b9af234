/** @jsxImportSource hono/jsx */
import type { backlogReport } from "../backlog/report.ts";
import { count, money, vnTime } from "./format.ts";
import type { Lang, Words } from "./i18n.ts";
import { type Column, DataTable, Downloads } from "./tables.tsx";

type Backlog = Awaited<ReturnType<typeof backlogReport>>;
type Counted = { count: number; amount: string };

/** The claims list of a backlog row: stuck claims of the province, of a facility or missing a document. */
const claimsOf = (province: string, filter: Record<string, string>) =>
  `/dashboard/claims?${new URLSearchParams({ province, status: "pending_documentation", stuck: "true", ...filter })}`;

/** A row's label, then its claims and amount. */
function countedColumns<T extends Counted>(
  words: Words,
  lang: Lang,
  first: Pick<Column<T>, "label" | "cell" | "sort">,
): Column<T>[] {
  return [
    { key: "label", ...first },
    { key: "count", label: words.claims, cell: (row) => count(row.count, lang), sort: (row) => row.count, num: true },
    {
      key: "amount",
      label: words.amount,
      cell: (row) => money(row.amount, lang),
      sort: (row) => row.amount,
      num: true,
    },
  ];
}

/**
 * A province's claims stuck on missing documents: the totals, who must act (facilities, by name), what is missing
 * (by document type) and for how long; each facility's and document's row opens the matching claims.
 */
/** The backlog's three tables' columns: by facility, by missing document, by age. */
export function backlogColumns(words: Words, lang: Lang) {
  type Facility = Backlog["byFacility"][number];
  const facilities: Column<Facility>[] = [
    ...countedColumns<Facility>(words, lang, {
      label: words.facility,
      cell: (row) => `${row.name ?? ""} (${row.facilityCode})`,
      sort: (row) => row.facilityCode,
    }),
    {
      key: "oldest",
      label: words.oldest,
      cell: (row) => vnTime(row.oldestPendingSince),
      sort: (row) => row.oldestPendingSince,
    },
  ];
  const documents = countedColumns<Backlog["byMissingDocument"][number]>(words, lang, {
    label: words.documentType,
    cell: (row) => words.documentTypes[row.type] ?? row.type,
    sort: (row) => row.type,
  });
  const ages = countedColumns<Backlog["byAge"][number]>(words, lang, {
    label: words.age,
    cell: (row) => `${row.fromDays}${row.toDays === null ? "+" : `–${row.toDays}`} ${words.days}`,
    sort: (row) => row.fromDays,
  });
  return { facilities, documents, ages };
}

/** A backlog table's rows, by its name in `?table=`. */
export function backlogTable(words: Words, lang: Lang, backlog: Backlog, table: string) {
  const columns = backlogColumns(words, lang);
  if (table === "backlog-facilities") return { columns: columns.facilities, rows: backlog.byFacility } as const;
  if (table === "backlog-documents") return { columns: columns.documents, rows: backlog.byMissingDocument } as const;
  if (table === "backlog-ages") return { columns: columns.ages, rows: backlog.byAge } as const;
  return null;
}

/**
 * A province's claims stuck on missing documents: the totals, who must act (facilities, by name), what is missing
 * (by document type) and for how long; each facility's and document's row opens the matching claims.
 */
export function BacklogTables(props: { w: Words; lang: Lang; backlog: Backlog; downloads: string }) {
  const { w: words, lang, backlog } = props;
  const province = backlog.provinceCode ?? "";
  const columns = backlogColumns(words, lang);
  const download = (table: string) => <Downloads w={words} href={`${props.downloads}&table=${table}`} />;
  return (
    <>
      <p>
        {`${words.stuck}: ${count(backlog.count, lang)} ${words.claimsUnit} · ${money(backlog.amount, lang)} · ` +
          `${words.pending}: ${count(backlog.pending.count, lang)} ${words.claimsUnit} · ` +
          money(backlog.pending.amount, lang)}{" "}
        <a href={claimsOf(province, {})}>{words.openClaims}</a>
      </p>
      <div class="grid-2">
        <div>
          <DataTable
            caption={words.byFacility}
            columns={columns.facilities}
            rows={backlog.byFacility}
            link={(row) => claimsOf(province, { facility: row.facilityCode })}
            rowAttrs={(row) => ({ "data-facility": row.facilityCode })}
          />
          {download("backlog-facilities")}
        </div>
        <div>
          <DataTable
            caption={words.byDocument}
            columns={columns.documents}
            rows={backlog.byMissingDocument}
            link={(row) => claimsOf(province, { missingDocument: row.type })}
            rowAttrs={(row) => ({ "data-document": row.type })}
          />
          {download("backlog-documents")}
        </div>
      </div>
      <DataTable caption={words.age} columns={columns.ages} rows={backlog.byAge} />
      {download("backlog-ages")}
    </>
  );
}
