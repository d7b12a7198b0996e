/**
 * The commerce platform's typed client SDK (browsers, React Native, Node).
 *
 *   import { createCommerceClient, ProductsDocument } from '<repo>/sdk';
 *   const shop = createCommerceClient({ url: 'https://shop.example/graphql' });
 *   const { products } = await shop.request(ProductsDocument, { first: 12 });
 *
 * In Node 20 (no global WebSocket), import from '<repo>/sdk/node' instead.
 * Everything under generated/ comes from schema/operations/ via `npm run codegen`.
 */
export {
  createCommerceClient,
  CommerceError,
  type CommerceClient,
  type CommerceClientOptions,
  type RequestOptions,
  type Token,
} from './client';
export { operationText, sha256Hex, type TypedDocumentNode } from './documents';
export { type IncrementalResult } from './incremental';
export * from './generated/graphql';
