import type { SqlSession } from "../db/client.ts";
import type { AppDeps } from "../deps.ts";
import * as sql from "./sql.ts";

const DAY_MS = 86_400_000;

/**
 * A referred-in patient's paper travels as the referring facility's XML13; the
 * receiving claim holds the paper's number. When the sender's claim with that
 * paper arrives the two are linked (claimDetail shows it). A referral whose
 * paper has not appeared from the named sender `referralConfirmDays` after the
 * claim arrived is flagged referral_unconfirmed for inspection (never held),
 * and unflagged once it appears. Run with the stuck marking.
 */
export async function flagUnconfirmedReferrals(
  deps: Pick<AppDeps, "db" | "clock" | "rules">,
): Promise<{ flagged: number; confirmed: number }> {
  const cutoff = new Date(deps.clock.now().getTime() - deps.rules.timing.referralConfirmDays * DAY_MS);
  const [row] = await deps.db.sql.query<{ flagged: number; confirmed: number }>(sql.FLAG_UNCONFIRMED_REFERRALS, [
    cutoff,
  ]);
  return { flagged: Number(row?.flagged ?? 0), confirmed: Number(row?.confirmed ?? 0) };
}

/** The claim's referral paper: its number, who issued it, and the issuer's claim that carries it, once it arrived. */
export async function referralPaperView(
  session: SqlSession,
  claim: { id: bigint; referralFrom: string | null; referralPaper: string | null },
) {
  if (claim.referralPaper === null) return null;
  const sender =
    claim.referralFrom === null
      ? null
      : ((await session.query<{ sender_claim_id: string | null }>(sql.REFERRAL_SENDER, [claim.id]))[0]
          ?.sender_claim_id ?? null);
  return {
    number: claim.referralPaper,
    from: claim.referralFrom,
    senderClaim: sender === null ? null : { facilityCode: claim.referralFrom!, claimId: sender },
  };
}
