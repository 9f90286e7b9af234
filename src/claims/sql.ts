/** Locks one claim by its natural key (before the caller's scope is checked: a merger may be moving it). */
export const LOCK_CLAIM = `SELECT 1 AS locked FROM claim WHERE facility_code = $1 AND claim_id = $2 FOR UPDATE`;
