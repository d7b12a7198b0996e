import express, { type Router } from 'express';
import { CHALLENGE_PASS_CODE } from './cards';
import { answerChallenge, type SandboxStore } from './store';

export const ACS_PATH = '/sandbox/3ds';

const ANSWERS = {
  PASSED: { status: 200, message: 'Authenticated. Return to the shop and place the order again.' },
  FAILED: { status: 200, message: 'Authentication failed.' },
  EXPIRED: { status: 410, message: 'This challenge has expired.' },
  ANSWERED: { status: 409, message: 'This challenge was already answered.' },
  UNKNOWN: { status: 404, message: 'No such challenge.' },
} as const;

/**
 * The sandbox bank's 3-D Secure page (an ACS, in card-network terms), which a real bank
 * hosts: `GET` shows the one-time-code form, `POST` with `code` answers it
 * (`123456` passes, anything else fails). JSON in and out for tests and scripts, a form
 * for a browser.
 */
export function acsRoutes(store: SandboxStore): Router {
  const router = express.Router();
  router.get(`${ACS_PATH}/:id`, (req, res) => {
    res
      .type('html')
      .send(
        `<!doctype html><title>Sandbox 3-D Secure</title><form method="post">` +
          `<label>One-time code (sandbox: ${CHALLENGE_PASS_CODE}) <input name="code" autocomplete="one-time-code"></label>` +
          `<button>Confirm</button></form>`,
      );
  });
  router.post(
    `${ACS_PATH}/:id`,
    express.json({ limit: '4kb' }),
    express.urlencoded({ extended: false, limit: '4kb' }),
    async (req, res) => {
      const code = typeof req.body?.code === 'string' ? req.body.code : '';
      const outcome = await answerChallenge(store, req.params.id, code === CHALLENGE_PASS_CODE);
      const answer = ANSWERS[outcome];
      res.status(answer.status).json({ outcome, message: answer.message });
    },
  );
  return router;
}
