/**
 * Adds each bucket's hits to its current window and answers the totals: one
 * statement for all of a request's buckets, rows in bucket order so that two
 * requests counting the same buckets cannot deadlock.
 */
export const COUNT_HITS = `
INSERT INTO rate_limit (bucket, window_start, hits)
SELECT bucket, $2::timestamptz, hits FROM unnest($1::text[], $3::int[]) AS t(bucket, hits) ORDER BY bucket
ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit.hits + EXCLUDED.hits
RETURNING bucket, hits`;

/** A bucket's hits in the current window, without counting (0 when it has none). */
export const READ_HITS = `
SELECT coalesce(sum(hits), 0)::int AS hits FROM rate_limit WHERE bucket = $1 AND window_start = $2`;

/** Windows that ended before $1 no longer limit anyone. */
export const FORGET_ENDED_WINDOWS = `DELETE FROM rate_limit WHERE window_start < $1 RETURNING 1`;
