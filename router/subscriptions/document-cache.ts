import {
  parse,
  validate,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  type ParseOptions,
  type Source,
} from 'graphql';
import { LruMap } from '../../platform/lru-map';

/**
 * Documents by their text, parsed and validated once for every socket that sends them:
 * ten thousand storefront clients subscribing with one query share one document (its
 * tokens and locations are most of what a subscription holds) instead of keeping one each.
 * Documents are never changed after parsing, so sharing them is safe. The least recently
 * used goes first when `maxDocuments` distinct texts are held; a text that does not parse
 * is not kept (its error is thrown to the caller each time).
 */
export class DocumentCache {
  private readonly documents: LruMap<string, DocumentNode>;
  private readonly validated = new WeakMap<
    DocumentNode,
    { schema: GraphQLSchema; errors: readonly GraphQLError[] }
  >();

  constructor(maxDocuments = 1000) {
    this.documents = new LruMap(maxDocuments);
  }

  /** graphql-js `parse`, shared: the same text gives the same document. */
  readonly parse = (source: string | Source, options?: ParseOptions): DocumentNode => {
    if (typeof source !== 'string' || options) return parse(source, options);
    const known = this.documents.get(source);
    if (known) return known;
    const document = parse(source);
    this.documents.set(source, document);
    return document;
  };

  /** graphql-js `validate` against every rule, once per document and schema. */
  readonly validate = (schema: GraphQLSchema, document: DocumentNode): GraphQLError[] => {
    const known = this.validated.get(document);
    if (known?.schema === schema) return [...known.errors];
    const errors = validate(schema, document);
    this.validated.set(document, { schema, errors });
    return [...errors];
  };
}
