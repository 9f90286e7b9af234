import { claim } from "./claims.ts";
import type { TestContext } from "./harness.ts";

const HOUR = 3_600_000;

/** Sends a batch for `facilityCode` with the central key and fails loudly if any claim is refused. */
export async function submitFor(
  t: TestContext,
  facilityCode: string,
  batchId: string,
  claims: Record<string, unknown>[],
) {
  const res = await t.json("POST", "/v1/batches", { body: { batchId, facilityCode, claims } });
  if (res.status !== 201 || res.body.rejected)
    throw new Error(`batch refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** A drug line as JSON sends it (cost group 4): `quantity` at `unitPrice`, the fund paying `insurance` of it. */
export const drugLine = (itemCode: string, quantity: number, unitPrice: number, insurance: number, extra = {}) => ({
  kind: "drug",
  itemCode,
  costGroup: "4",
  quantity,
  unitPrice,
  amount: quantity * unitPrice,
  insurance,
  ...extra,
});

let patients = 0;

/**
 * A valid outpatient claim of its own patient (no duplicate flags), discharged
 * at `dischargedAt` (an hour's stay), for `insurance` VND. `patient` fields
 * override the generated card number and citizen ID (001080nnnnnn: a man
 * born 1980, as the default birth date and gender say).
 */
export function stay(
  claimId: string,
  dischargedAt: Date | string,
  insurance = "100000",
  extra: Record<string, unknown> = {},
) {
  const discharged = new Date(dischargedAt);
  const n = ++patients;
  const { patient, ...rest } = extra as { patient?: Record<string, unknown> };
  return claim({
    claimId,
    patient: {
      cardNumber: `DN401${String(7_000_000_000 + n)}`,
      citizenId: `001080${String(n % 1_000_000).padStart(6, "0")}`,
      birthDate: "1980-05-01",
      gender: "male",
      ...patient,
    },
    admittedAt: new Date(discharged.getTime() - HOUR).toISOString(),
    dischargedAt: discharged.toISOString(),
    amounts: { total: insurance, insurance, patient: "0", other: "0" },
    ...rest,
  });
}

/** `hours` before `at`. */
export const hoursBefore = (at: Date | string, hours: number) => new Date(new Date(at).getTime() - hours * HOUR);

/** Splits a CSV body (after its BOM) into rows of fields; fields here never hold commas or quotes. */
export function csvRows(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, "")
    .split("\r\n")
    .filter((l) => l !== "")
    .map((l) => l.split(","));
}
