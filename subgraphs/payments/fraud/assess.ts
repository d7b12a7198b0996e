import type { FraudConfig, FraudRuleCode } from './config';
import { FRAUD_RULES, type FraudHistory, type FraudRule, type FraudSignals } from './rules';

export type FraudDecision = 'APPROVE' | 'REVIEW' | 'REJECT';

export interface FraudReason {
  code: FraudRuleCode;
  points: number;
  detail: string;
}

export interface FraudVerdict {
  /** The sum of the reasons' points, capped at 100. */
  score: number;
  decision: FraudDecision;
  reasons: FraudReason[];
}

export const MAX_SCORE = 100;

/** The decision for a score: REJECT from `rejectScore`, REVIEW from `reviewScore`. */
export function decide(score: number, config: FraudConfig): FraudDecision {
  if (score >= config.rejectScore) return 'REJECT';
  if (score >= config.reviewScore) return 'REVIEW';
  return 'APPROVE';
}

/** Scores one authorization attempt. Pure: the history is counted by the caller. */
export function assessFraud(
  signals: FraudSignals,
  history: FraudHistory,
  config: FraudConfig,
  rules: readonly FraudRule[] = FRAUD_RULES,
): FraudVerdict {
  const reasons: FraudReason[] = [];
  for (const rule of rules) {
    const points = config.points[rule.code];
    if (points <= 0) continue;
    const detail = rule.evaluate(signals, history, config);
    if (detail !== null) reasons.push({ code: rule.code, points, detail });
  }
  const score = Math.min(
    MAX_SCORE,
    reasons.reduce((sum, r) => sum + r.points, 0),
  );
  return { score, decision: decide(score, config), reasons };
}
