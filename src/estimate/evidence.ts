/**
 * The held-out refit's evidence on the estimate, as three ratios the trust test compares with
 * its thresholds (trust.ts): how well the refit forecast the held-out rows against holding
 * the newest row it saw, how far its estimate is from the estimate against the estimate's
 * correction to h_m, and how large that correction is against the window's own movement.
 */

/** What the held-out refit says about the estimate (ratios; see trustWarnings). */
export interface HeldOutEvidence {
  /** Relative error of the refit's forecast of the held-out rows. */
  error: number;
  /** That forecast's error / max(the hold-the-newest-row forecast's, floor × ‖h_m‖). */
  forecastRatio: number;
  /** ‖estimate − refit's estimate‖ / max(‖estimate − h_m‖, floor × ‖h_m‖). */
  nestedChange: number;
  /**
   * ‖estimate − h_m‖ / max(‖h_m − h_{m−p}‖, floor × ‖h_m‖ / `correction`): the
   * correction against how far the window moved over the held-out rows.
   */
  correctionRatio: number;
}

/** The ratios of HeldOutEvidence from norms in one unit (the scaled window's). */
export function heldOutEvidence(args: {
  error: number;
  modelRms: number;
  naiveRms: number;
  change: number;
  correction: number;
  /** ‖h_m − h_{m−p}‖. */
  movement: number;
  /** ‖h_m‖: the floors are relative to it (the contract's errors are relative to ‖h_T‖ ≈ ‖h_m‖). */
  scale: number;
  floor: number;
  /** The correctionRatio threshold (its floor is scaled by it, so the cap on a still window is floor × ‖h_m‖). */
  correctionLimit: number;
}): HeldOutEvidence {
  const f = args.floor * args.scale;
  // 0/0 (a constant window: every norm zero) passes; anything over a zero floor fails.
  const ratio = (a: number, b: number) => (a === 0 ? 0 : b > 0 ? a / b : Infinity);
  return {
    error: args.error,
    forecastRatio: Number.isFinite(args.modelRms) ? ratio(args.modelRms, Math.max(args.naiveRms, f)) : Infinity,
    nestedChange: ratio(args.change, Math.max(args.correction, f)),
    correctionRatio: ratio(args.correction, Math.max(args.movement, f / args.correctionLimit)),
  };
}
