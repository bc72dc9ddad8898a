/** 2000-01-01 and 2100-01-01: anything outside is a unit mistake (seconds, microseconds). */
export const MIN_PLAUSIBLE_TIME_MS = 946_684_800_000;
export const MAX_PLAUSIBLE_TIME_MS = 4_102_444_800_000;
