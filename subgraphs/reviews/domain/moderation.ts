/**
 * Auto-moderation: pure rules over a review's text, deciding whether it is published at
 * once or held for staff (reviews:moderate). No maintained profanity library is installed
 * in this project (obscenity, bad-words and the like are not among its dependencies and the
 * brief rules out adding one), so this is a small rule set: a word list matched on whole
 * words after folding case, accents and common letter-for-digit swaps, plus links, contact
 * details, shouting and padding. A rule holds a review; none rejects it outright: a person
 * decides.
 */

export const HOLD_REASONS = [
  'PROFANITY',
  'LINK',
  'CONTACT_DETAILS',
  'SHOUTING',
  'REPEATED_CHARACTERS',
  'UNVERIFIED_PURCHASE',
] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** Words that hold a review (English and German; extended with REVIEWS_BLOCKED_WORDS). */
export const DEFAULT_BLOCKED_WORDS = [
  'fuck',
  'fucking',
  'shit',
  'bullshit',
  'asshole',
  'bitch',
  'bastard',
  'cunt',
  'dick',
  'wanker',
  'motherfucker',
  'scheisse',
  'scheiss',
  'arschloch',
  'fotze',
  'wichser',
  'hurensohn',
  'putain',
  'merde',
  'connard',
];

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
};

/** Lower case, accents and ß folded, digits-for-letters undone: "Sh1t", "SCHEIẞE" → words. */
export function foldedWords(text: string): string[] {
  const folded = text
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[013457@$!]/g, (c) => LEET[c] ?? c);
  return folded.split(/[^a-z]+/).filter(Boolean);
}

const LINK =
  /\b(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+\.(?:com|net|org|de|fr|io|co|ru|shop|info|biz|xyz|ly)\b/i;
const EMAIL = /[^\s@]+@[^\s@]+\.[a-z]{2,}/gi;
const PHONE = /(?:\+|\b00)?\d[\d\s().-]{7,}\d/;

export interface ModerationInput {
  title: string;
  body: string;
  verifiedPurchase: boolean;
}

export interface ModerationPolicy {
  blockedWords: readonly string[];
  /** Hold reviews of customers who have not had the product delivered. */
  holdUnverified: boolean;
}

export interface ModerationResult {
  decision: 'PUBLISH' | 'HOLD';
  reasons: HoldReason[];
}

export function moderate(input: ModerationInput, policy: ModerationPolicy): ModerationResult {
  const text = `${input.title}\n${input.body}`;
  const reasons: HoldReason[] = [];
  const blocked = new Set(policy.blockedWords.map((w) => w.toLowerCase()));
  if (foldedWords(text).some((word) => blocked.has(word))) reasons.push('PROFANITY');
  // An address names a domain too: it counts as contact details, not as a link.
  const withoutEmails = text.replace(EMAIL, ' ');
  if (LINK.test(withoutEmails)) reasons.push('LINK');
  if (withoutEmails !== text || PHONE.test(text)) reasons.push('CONTACT_DETAILS');
  const letters = text.replace(/[^\p{L}]/gu, '');
  const upper = letters.replace(/[^\p{Lu}]/gu, '');
  if (letters.length >= 20 && upper.length / letters.length > 0.7) reasons.push('SHOUTING');
  if (/(.)\1{6,}/u.test(text)) reasons.push('REPEATED_CHARACTERS');
  if (policy.holdUnverified && !input.verifiedPurchase) reasons.push('UNVERIFIED_PURCHASE');
  return { decision: reasons.length ? 'HOLD' : 'PUBLISH', reasons };
}
