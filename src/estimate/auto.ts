/**
 * `auto`: every candidate configuration (method × delay × rank rule, as far as each is
 * "auto") scored by the held-out prediction error, best first.
 */
import { withScope, type Scope } from "../core/scope";
import { HeldOutFit, heldOutFit } from "./heldOut";
import type { Config, Resolved } from "./options";
import { RankRule, formatRankRule } from "./rank";
import type { AutoCandidate, Method } from "./types";

const AUTO_DELAYS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];
/** Cap on q·d for auto's candidates (cost grows like (qd)³). */
const AUTO_MAX_DIM = 256;

export interface ScoredConfig {
  cfg: Config;
  error: number;
  /** The candidate's held-out refit (null when it failed): the winner's is reused by the trust test. */
  fit: HeldOutFit | null;
}

/** The configurations `auto` tries on a window of m rows of q (each fitted on m − p rows). */
export function autoCandidates(m: number, q: number, r: Resolved): Config[] {
  const p = Math.max(1, r.heldOut);
  const mTrain = m - p;
  const delays =
    r.delay === "auto"
      ? AUTO_DELAYS.filter((d) => d === 1 || (2 * d + 2 <= mTrain && q * d <= AUTO_MAX_DIM))
      : [r.delay];
  const ranks: RankRule[] = r.rank.kind === "auto" ? [{ kind: "full" }, { kind: "svht" }] : [r.rank];
  const methods: Method[] =
    r.method === "auto" ? [r.horizon !== null ? "horizon" : "limit", "affine", "rre", "mpe"] : [r.method];
  const out: Config[] = [];
  for (const delay of delays) {
    for (const method of methods) {
      // rre/mpe truncate with their own cutoff: the rank rule does not change them.
      const rankList = method === "rre" || method === "mpe" ? [ranks[0]] : ranks;
      for (const rank of rankList) out.push({ method, delay, rank });
    }
  }
  return out;
}

/** Every candidate configuration scored by held-out error, best first. */
export function autoSearch(s: Scope, traj: number, m: number, q: number, r: Resolved): ScoredConfig[] {
  const p = Math.max(1, r.heldOut);
  const out: ScoredConfig[] = [];
  for (const cfg of autoCandidates(m, q, r)) {
    let fit: HeldOutFit | null = null;
    try {
      // Its own scope: the candidates' workspace is released as the search goes (the fit's
      // numbers are plain arrays and outlive it).
      fit = withScope((cs) => heldOutFit(cs, traj, m, q, p, cfg, r));
    } catch {
      fit = null;
    }
    out.push({ cfg, error: fit ? fit.error : Infinity, fit });
  }
  // Stable sort: among equal errors the earlier (smaller delay, simpler) candidate wins.
  return out.sort((a, b) => a.error - b.error);
}

/** A candidate as the diagnostics report it. */
export function describeCandidate(c: ScoredConfig): AutoCandidate {
  const { method, delay, rank } = c.cfg;
  return {
    method,
    delay,
    rank: method === "rre" || method === "mpe" ? "cutoff 1e-6" : formatRankRule(rank),
    error: c.error,
  };
}
