import { DomainError, type UserError } from '../../../platform/errors';

/** A fellow service refused; its first userError becomes ours, code and all. */
export function raiseFirst(userErrors: UserError[]): void {
  const [first] = userErrors;
  if (first) throw new DomainError(first.code, first.message, first.field);
}

/** A payload's value once its userErrors are empty; a missing value breaks the callee's contract. */
export function valueOf<T>(payload: { userErrors: UserError[] }, value: T | null, what: string): T {
  raiseFirst(payload.userErrors);
  if (value === null) throw new DomainError('UPSTREAM_UNAVAILABLE', `${what} came back empty`);
  return value;
}
