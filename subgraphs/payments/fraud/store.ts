import { type DataSource, In, type Repository } from 'typeorm';
import { rowOf } from '../../../platform/sql-rows';
import { FraudAssessmentRow } from '../entities';
import { assessFraud } from './assess';
import type { FraudConfig } from './config';
import type { FraudContext } from './input';
import { type FraudHistory, type FraudSignals, NO_HISTORY } from './rules';

export interface AssessmentRequest {
  /** The payment the attempt will create; one assessment per payment. */
  paymentId: string;
  orderId: string;
  amount: number;
  currency: string;
  cardFingerprint: string | null;
  context: FraudContext;
}

/**
 * Fraud screening with its history: counts earlier attempts in the database, scores the
 * attempt with the pure rules and records the assessment, once per payment.
 */
export class FraudScreening {
  private readonly assessments: Repository<FraudAssessmentRow>;

  constructor(
    private readonly db: DataSource,
    readonly config: FraudConfig,
  ) {
    this.assessments = db.getRepository(FraudAssessmentRow);
  }

  assessmentOf(paymentId: string): Promise<FraudAssessmentRow | null> {
    return this.assessments.findOneBy({ paymentId });
  }

  assessmentsOfPayments(paymentIds: readonly string[]): Promise<FraudAssessmentRow[]> {
    return this.assessments.findBy({ paymentId: In([...paymentIds]) });
  }

  /**
   * Earlier attempts of the same customer, card and IP, in one statement: each
   * assessment is one authorization attempt, and its payment tells whether it was declined.
   */
  async history(
    signals: Pick<FraudSignals, 'customerKey' | 'cardFingerprint' | 'ip'>,
  ): Promise<FraudHistory> {
    const { customerKey, cardFingerprint, ip } = signals;
    if (!customerKey && !cardFingerprint && !ip) return NO_HISTORY;
    const velocity = this.config.velocityWindowMinutes;
    const failures = this.config.failureWindowMinutes;
    const [row] = await this.db.query(
      `SELECT
         count(*) FILTER (WHERE fa.customer_key = $1 AND fa.created_at > now() - make_interval(mins => $4))::int AS customer,
         count(*) FILTER (WHERE fa.card_fingerprint = $2 AND fa.created_at > now() - make_interval(mins => $4))::int AS card,
         count(*) FILTER (WHERE fa.ip = $3 AND fa.created_at > now() - make_interval(mins => $4))::int AS ip,
         count(*) FILTER (WHERE p.status = 'DECLINED' AND fa.created_at > now() - make_interval(mins => $5))::int AS failures
       FROM payments.fraud_assessment fa
       LEFT JOIN payments.payment p ON p.id = fa.payment_id
       WHERE fa.created_at > now() - make_interval(mins => $6)
         AND (fa.customer_key = $1 OR fa.card_fingerprint = $2 OR fa.ip = $3)`,
      [customerKey, cardFingerprint, ip, velocity, failures, Math.max(velocity, failures)],
    );
    return {
      customerAttempts: row.customer,
      cardAttempts: row.card,
      ipAttempts: row.ip,
      recentFailures: row.failures,
    };
  }

  /**
   * Scores the attempt and records it. When a concurrent request with the same key
   * recorded its assessment first, that one is returned: one decision per payment.
   */
  async assess(request: AssessmentRequest): Promise<FraudAssessmentRow> {
    const signals: FraudSignals = {
      amount: request.amount,
      currency: request.currency,
      cardFingerprint: request.cardFingerprint,
      ...request.context,
      now: new Date(),
    };
    const verdict = assessFraud(signals, await this.history(signals), this.config);
    const [inserted]: Record<string, unknown>[] = await this.db.query(
      `INSERT INTO payments.fraud_assessment (payment_id, order_id, customer_key, email, ip,
         card_fingerprint, amount, currency, score, decision, reasons)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (payment_id) DO NOTHING RETURNING *`,
      [
        request.paymentId,
        request.orderId,
        signals.customerKey,
        signals.email,
        signals.ip,
        signals.cardFingerprint,
        request.amount,
        request.currency,
        verdict.score,
        verdict.decision,
        JSON.stringify(verdict.reasons),
      ],
    );
    // Nothing returned: the concurrent request's assessment stands.
    if (inserted) return rowOf(this.db.manager, FraudAssessmentRow, inserted);
    return this.assessments.findOneByOrFail({ paymentId: request.paymentId });
  }
}
