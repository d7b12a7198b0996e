export interface UserError {
  field?: readonly string[] | null;
  message: string;
  code?: string | null;
}

/** A form's errors: by field (`shippingAddress.postalCode`, `input` dropped) and the rest. */
export interface FormErrors {
  fields: Record<string, string>;
  form: string[];
}

export const NO_ERRORS: FormErrors = { fields: {}, form: [] };

export function formErrors(
  errors: readonly UserError[],
  message: (error: UserError) => string = (e) => e.message,
  knownFields: readonly string[] = [],
): FormErrors {
  const result: FormErrors = { fields: {}, form: [] };
  for (const error of errors) {
    const parts = (error.field ?? []).filter((part) => part !== 'input');
    // The closest field the form has: payment.token is shown at payment.
    let path: string | undefined;
    for (let n = parts.length; n > 0 && !path; n--) {
      const candidate = parts.slice(0, n).join('.');
      if (knownFields.includes(candidate)) path = candidate;
    }
    if (path && !result.fields[path]) result.fields[path] = message(error);
    else result.form.push(message(error));
  }
  return result;
}
