-- Automated assessment at arrival (issue #23 points 3 and 4). Each claim keeps what the assessment of its current
-- version found, written by the batch's one claim upsert: the findings (rule, line, action, amount cut, message in
-- both languages) and the amount proposed for approval. A claim stored before assessment existed has no findings and
-- a null proposed amount: nothing was proposed for it (re-assessment fills it in when its facility's catalogue
-- changes). Besides, the XML1 facts the rules read: MA_LOAI_KCB as sent, MA_LOAI_RV and KET_QUA_DTRI.
ALTER TABLE "claim"
  ADD COLUMN "visit_code" TEXT,
  ADD COLUMN "discharge_kind" TEXT,
  ADD COLUMN "treatment_result" TEXT,
  ADD COLUMN "findings" JSONB NOT NULL DEFAULT '[]',
  ADD COLUMN "proposed_amount" DECIMAL(18,2);

-- The proposed cuts, an aggregate of their own beside spending (spending counts the claimed amount until a decision):
-- by province, discharge month, facility and rule, moved by the one path that moves money (src/spending/move.ts) in
-- the transaction that changes a claim's findings or status. `amount` counts every current finding of the rule
-- whatever the claim's status (what the assessment report reads); `open_amount` only those of claims not yet
-- decided (what usage subtracts to show the ratio if the cuts are upheld). `claims` counts claims with at least one
-- finding of the rule, `findings` the findings (warnings included, at 0).
CREATE TABLE "assessment_cut" (
    "province_code" CHAR(2) NOT NULL,
    "year" INTEGER NOT NULL,
    "month" INTEGER NOT NULL,
    "facility_code" CHAR(5) NOT NULL,
    "rule_code" TEXT NOT NULL,
    "claims" INTEGER NOT NULL DEFAULT 0,
    "findings" INTEGER NOT NULL DEFAULT 0,
    "amount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    "open_amount" DECIMAL(18,2) NOT NULL DEFAULT 0,
    CONSTRAINT "assessment_cut_pkey" PRIMARY KEY ("province_code", "year", "month", "facility_code", "rule_code")
);

-- The national and per-facility reads of a year (the report across provinces, a facility's own findings).
CREATE INDEX "assessment_cut_year_idx" ON "assessment_cut"("year", "facility_code");

-- XML1's T_THUOC and T_VTYT as sent (what the drug and supply lines must add up to): re-assessment reads the claim
-- as it arrived, money identities included.
ALTER TABLE "claim"
  ADD COLUMN "drugs_amount" DECIMAL(18,2),
  ADD COLUMN "supplies_amount" DECIMAL(18,2);

-- Re-assessment (issue #23 point 5): a catalogue reload that changes entries retroactively (catalogue_change rows)
-- makes a job per facility: its undecided claims discharged on or after the earliest affected day are assessed again,
-- a chunk of claims per transaction, in id order, the job row keeping where it is so a stopped run resumes there.
-- A change is taken into a job once (reassessment_id); a change committed later is taken by a later run.
CREATE TABLE "reassessment" (
    "id" BIGSERIAL NOT NULL,
    "facility_code" CHAR(5) NOT NULL,
    "from_day" DATE NOT NULL,
    -- The catalogue changes it covers.
    "changes" INTEGER NOT NULL,
    -- The last claim id assessed: the next chunk starts after it.
    "after_claim" BIGINT NOT NULL DEFAULT 0,
    "assessed" INTEGER NOT NULL DEFAULT 0,
    "changed" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "done_at" TIMESTAMPTZ(3),
    CONSTRAINT "reassessment_pkey" PRIMARY KEY ("id")
);

ALTER TABLE "catalogue_change" ADD COLUMN "reassessment_id" BIGINT;

-- The changes no job has taken yet (NULL), read by every run.
CREATE INDEX "catalogue_change_reassessment_id_idx" ON "catalogue_change"("reassessment_id");
