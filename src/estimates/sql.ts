/** Locks one estimate row: concurrent changes to one estimate apply one after another. $1 province, $2 year. */
export const LOCK_ESTIMATE = `SELECT 1 AS locked FROM estimate WHERE province_code = $1 AND year = $2 FOR UPDATE`;
