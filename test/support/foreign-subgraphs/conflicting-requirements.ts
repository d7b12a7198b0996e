import type { ForeignSubgraph } from './types';

/**
 * Two estimates of one product need the same field with different arguments: the USD
 * estimate `price(currency: "USD")`, the EUR one `price(currency: "EUR")`. The catalog
 * prices EUR at twice USD, so an estimate computed from the other's price is visibly off.
 */
export const PRODUCTS = [
  { upc: 'p1', name: 'Kettle', price: 11, weight: 1 },
  { upc: 'p2', name: 'Toaster', price: 22, weight: 2 },
];

const catalog: ForeignSubgraph = {
  name: 'catalog',
  typeDefs: `
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { products: [Product] }
    type Product @key(fields: "upc") {
      upc: String!
      name: String
      price(currency: String!): Int
      weight: Int
    }
  `,
  resolvers: {
    Query: { products: () => PRODUCTS },
    Product: {
      __resolveReference: (ref: { upc: string }) => PRODUCTS.find((p) => p.upc === ref.upc),
      price(product: { price: number }, { currency }: { currency: string }) {
        if (currency === 'USD') return product.price;
        if (currency === 'EUR') return product.price * 2;
        throw new Error(`no price in ${currency}`);
      },
    },
  },
};

const shipping: ForeignSubgraph = {
  name: 'shipping',
  typeDefs: `
    extend schema
      @link(
        url: "https://specs.apollo.dev/federation/v2.3"
        import: ["@key", "@external", "@requires"]
      )
    type Product @key(fields: "upc") {
      upc: String!
      weight: Int @external
      price(currency: String!): Int @external
      shippingEstimate: Int @requires(fields: "price(currency: \\"USD\\") weight")
      shippingEstimateEUR: Int @requires(fields: "price(currency: \\"EUR\\") weight")
    }
  `,
  resolvers: {
    Product: {
      // The representation carries `price` as the requiring field's selection asked for it.
      shippingEstimate: (p: { price: number; weight: number }) => p.price * p.weight * 10,
      shippingEstimateEUR: (p: { price: number; weight: number }) => p.price * p.weight * 10,
    },
  },
};

export const conflictingRequirementsSubgraphs = [catalog, shipping];
