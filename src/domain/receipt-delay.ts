/**
 * The time from discharge to first receipt, kept as a distribution over a
 * fixed list of bands (receipt_delay: one row per facility and month holding
 * the claims of each band), so the late-submission report reads its median
 * and 90th percentile from as many rows as there are facilities, however many
 * claims they sent. The bands are narrow where the deadline rules live and
 * wider in the long tail:
 *
 * | delay               | band width | bands (index) |
 * | ------------------- | ---------- | ------------- |
 * | under 72 hours      | 1 hour     | 0-71          |
 * | 72 hours to 7 days  | 6 hours    | 72-87         |
 * | 7 days to 30 days   | 1 day      | 88-110        |
 * | 30 days to 366 days | 1 week     | 111-158       |
 * | 366 days and more   | open       | 159           |
 *
 * A percentile read from the bands is the end of the band that holds the
 * claim at that rank (percentile_disc): the exact value lies within one band
 * width below it (in the open band, the band's start: the value is at least
 * that). Pure.
 */

const HOUR_MS = 3_600_000;

/** Each tier: the hour its first band starts, its bands' width in hours, its first band's index. */
const TIERS: readonly { from: number; width: number; first: number }[] = [
  { from: 8784, width: Infinity, first: 159 },
  { from: 720, width: 168, first: 111 },
  { from: 168, width: 24, first: 88 },
  { from: 72, width: 6, first: 72 },
  { from: 0, width: 1, first: 0 },
];

/** How many bands there are: a distribution is an array of this length at most. */
export const BANDS = 160;

/**
 * The band (index) of a delay of `ms` milliseconds; negative counts as 0 (a
 * correction may move the discharge after the first receipt).
 */
export function delayBand(ms: number): number {
  const hours = Math.floor(Math.max(0, ms) / HOUR_MS);
  const tier = TIERS.find(({ from }) => hours >= from)!;
  return tier.width === Infinity ? tier.first : tier.first + Math.floor((hours - tier.from) / tier.width);
}

/** The band a claim counts in: first receipt minus discharge. */
export const claimDelayBand = (dischargedAt: Date, receivedAt: Date) =>
  delayBand(receivedAt.getTime() - dischargedAt.getTime());

/** The hour band `band` starts at. */
export function bandStart(band: number): number {
  const tier = TIERS.find(({ first }) => band >= first)!;
  return tier.width === Infinity ? tier.from : tier.from + (band - tier.first) * tier.width;
}

/** The hour band `band` ends at (exclusive); null for the open last band. */
export const bandEnd = (band: number): number | null => (band + 1 < BANDS ? bandStart(band + 1) : null);

/**
 * The percentile `share` (0 < share <= 1) of a distribution given as claims
 * per band (index: band): the end of the first band where the running count
 * reaches that share of the total (the band of percentile_disc's claim), or the start of the
 * open last band. Null when there are no claims.
 */
export function bandPercentile(claims: readonly number[], share: number): number | null {
  const total = claims.reduce((n, c) => n + c, 0);
  if (total === 0) return null;
  // percentile_disc's claim: position ceil(share * total), 1-based, in float arithmetic as PostgreSQL computes it.
  const rank = Math.max(1, Math.ceil(share * total));
  let seen = 0;
  let band = 0;
  for (; band < claims.length - 1; band++) {
    seen += claims[band]!;
    if (seen >= rank) break;
  }
  return bandEnd(band) ?? bandStart(band);
}
