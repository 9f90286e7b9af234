/** A valid outpatient claim of facility 01001 discharged before the harness's START; override what a story needs. */
export function claim(overrides: Record<string, unknown> = {}, n = 1): Record<string, any> {
  return {
    claimId: `LK${String(n).padStart(6, "0")}`,
    patient: {
      cardNumber: `DN401${String(1000000000 + n)}`,
      citizenId: "001080012345",
      name: "Nguyen Van A",
      birthDate: "1980-05-01",
      gender: "male",
    },
    visitType: "outpatient",
    admittedAt: "2026-06-14T08:00:00+07:00",
    dischargedAt: "2026-06-14T11:00:00+07:00",
    diagnosis: { primary: "J18.9", secondary: ["E11"] },
    referral: false,
    amounts: { total: "350000", insurance: "280000", patient: "70000", other: "0" },
    documents: [],
    ...overrides,
  };
}

/** `count` distinct valid claims, each for its own patient. */
export const claims = (count: number, overrides: Record<string, unknown> = {}, from = 1) =>
  Array.from({ length: count }, (_, i) =>
    claim(
      {
        claimId: `LK${String(from + i).padStart(6, "0")}`,
        patient: { cardNumber: `DN401${String(2000000000 + from + i)}` },
        ...overrides,
      },
      from + i,
    ),
  );

/**
 * Cost lines adding up exactly to `total` and `insurance` (decimal strings), one per cost group in `groups`, in
 * uneven shares (1, 2, 3 ... parts) so that splitting a smaller approved amount leaves cents to place.
 */
export function linesFor(total: string, insurance: string, groups: string[]): Record<string, unknown>[] {
  const parts = groups.map((_, i) => i + 1);
  const whole = parts.reduce((n, p) => n + p, 0);
  const cents = (amount: string) => Math.round(Number(amount) * 100);
  const share = (amount: string, i: number) =>
    i < groups.length - 1
      ? Math.floor((cents(amount) * parts[i]!) / whole)
      : cents(amount) - parts.slice(0, -1).reduce((n, _, j) => n + Math.floor((cents(amount) * parts[j]!) / whole), 0);
  const money = (c: number) => (c / 100).toFixed(2);
  return groups.map((costGroup, i) => ({
    kind: costGroup === "4" ? "drug" : costGroup === "10" ? "supply" : "service",
    itemCode: `ITEM-${costGroup}`,
    costGroup,
    quantity: 1,
    unitPrice: money(share(total, i)),
    amount: money(share(total, i)),
    insurance: money(share(insurance, i)),
  }));
}
