import { DomainError } from '../../../platform/errors';
import type { AttributeType } from '../entities';
import { CatalogErrorCode } from '../errors';

/** What a value is checked against: the attribute's definition. */
export interface AttributeRule {
  code: string;
  type: AttributeType;
  choices: string[];
}

const MAX_VALUES = 20;
const MAX_TEXT = 200;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A value as the merchant typed it, in the canonical text every reader (page, search
 * facets, CSV) shares: numbers as JavaScript prints them (12.5), booleans true/false,
 * dates YYYY-MM-DD, enum values exactly as one of the choices. A wrong type is
 * ATTRIBUTE_VALUE_INVALID at `field`; nothing is saved half way.
 */
export function canonicalValues(rule: AttributeRule, raw: string[], field: string[]): string[] {
  const fail = (message: string): never => {
    throw new DomainError(CatalogErrorCode.ATTRIBUTE_VALUE_INVALID, message, field);
  };
  const values = raw.map((value) => value.trim()).filter((value) => value.length > 0);
  if (values.length === 0) fail(`${rule.code} needs a value`);
  if (rule.type !== 'MULTI_ENUM' && values.length > 1) fail(`${rule.code} takes one value`);
  if (values.length > MAX_VALUES) fail(`${rule.code} takes at most ${MAX_VALUES} values`);
  const canonical = values.map((value) => {
    switch (rule.type) {
      case 'NUMBER': {
        const number = Number(value);
        if (!/^-?\d+(\.\d+)?$/.test(value) || !Number.isFinite(number))
          return fail(`${rule.code} is a number, not ${value.slice(0, 40)}`);
        return String(number);
      }
      case 'BOOLEAN':
        if (value !== 'true' && value !== 'false')
          return fail(`${rule.code} is true or false, not ${value.slice(0, 40)}`);
        return value;
      case 'DATE': {
        const date = new Date(`${value}T00:00:00Z`);
        if (
          !DATE.test(value) ||
          Number.isNaN(date.getTime()) ||
          !date.toISOString().startsWith(value)
        )
          return fail(`${rule.code} is a date (YYYY-MM-DD), not ${value.slice(0, 40)}`);
        return value;
      }
      case 'ENUM':
      case 'MULTI_ENUM':
        if (!rule.choices.includes(value))
          return fail(
            `${rule.code} is one of ${rule.choices.join(', ')}, not ${value.slice(0, 40)}`,
          );
        return value;
      default:
        // eslint-disable-next-line no-control-regex
        if (value.length > MAX_TEXT || /[\u0000-\u001f\u007f]/.test(value))
          return fail(`${rule.code} is text of at most ${MAX_TEXT} characters`);
        return value;
    }
  });
  return [...new Set(canonical)];
}
