/**
 * Advisory lock keys (`pg_advisory_lock(LOCK_SPACE, key)`): the first number is Loom's, the second
 * says which job. Every replica uses the same numbers, so one of them at a time holds each.
 */
export const LOCK_SPACE = 0x4c6f6f6d; // "Loom"
export const LOCK_MIGRATE = 1;
export const LOCK_CLEANUP = 2;
export const LOCK_WEAVERS = 3;
