import type { DocumentNode } from 'graphql';

/**
 * Parsed documents that passed a check whose outcome depends on the document alone (and,
 * where given, the operation chosen in it). Apollo Server keeps parsed documents by the
 * hash of their text and hands the same DocumentNode to every request with that text, so
 * a query sent a thousand times is walked once per check instead of a thousand times. The
 * store is made anew for each schema, so after a reload every document is checked afresh.
 * Only passes are kept: a refusal is worked out again each time, a GraphQLError of its own.
 */
export class PassedDocuments {
  private readonly passed = new WeakMap<DocumentNode, Set<string>>();

  has(document: DocumentNode, operationName: string | null = null): boolean {
    return this.passed.get(document)?.has(operationName ?? '') ?? false;
  }

  add(document: DocumentNode, operationName: string | null = null): void {
    let names = this.passed.get(document);
    if (!names) {
      names = new Set();
      this.passed.set(document, names);
    }
    names.add(operationName ?? '');
  }
}
