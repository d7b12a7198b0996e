import type { ForeignSubgraph } from './types';

/**
 * One entity, Shipment, known to two subgraphs through four overlapping keys, only one
 * of them resolvable on each side: the depot resolves it by `id`, the carrier by
 * `id ref { number region }`. The carrier's `routeLabel` needs the depot's `label`.
 */
export const SHIPMENTS = [
  {
    id: 's1',
    code: 'TRK-1',
    ref: { carrier: 'dhl', number: '1001', region: 'eu' },
    label: 'box 1',
  },
  {
    id: 's2',
    code: 'TRK-2',
    ref: { carrier: 'ups', number: '2002', region: 'us' },
    label: 'box 2',
  },
];
export const ROUTE = { id: 'r1', shipmentIds: ['s2', 's1'] };

const KEY_FIELDS = `
  id: ID!
  code: ID!
  ref: ShipmentRef!
`;
const REF = 'type ShipmentRef { carrier: ID! number: ID! region: ID! }';
const byId = (id: string) => SHIPMENTS.find((s) => s.id === id);

const depot: ForeignSubgraph = {
  name: 'depot',
  typeDefs: `
    extend schema
      @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
    type Shipment
      @key(fields: "id")
      @key(fields: "code", resolvable: false)
      @key(fields: "ref { carrier number }", resolvable: false)
      @key(fields: "id ref { number region }", resolvable: false) {
      ${KEY_FIELDS}
      label: String
    }
    type ShipmentRef @shareable { carrier: ID! number: ID! region: ID! }
  `,
  resolvers: {
    Shipment: { __resolveReference: (ref: { id: string }) => byId(ref.id) },
  },
};

const carrier: ForeignSubgraph = {
  name: 'carrier',
  typeDefs: `
    extend schema
      @link(
        url: "https://specs.apollo.dev/federation/v2.3"
        import: ["@key", "@shareable", "@external", "@requires"]
      )
    type Query { route: Route }
    type Route @key(fields: "id") { id: ID! shipments: [Shipment!]! }
    type Shipment
      @key(fields: "ref { carrier number }", resolvable: false)
      @key(fields: "id ref { number region }")
      @key(fields: "code", resolvable: false)
      @key(fields: "id", resolvable: false) {
      ${KEY_FIELDS}
      label: String @external
      routeLabel: String @requires(fields: "label")
    }
    ${REF.replace('type ShipmentRef', 'type ShipmentRef @shareable')}
  `,
  resolvers: {
    Query: { route: () => ROUTE },
    Route: {
      __resolveReference: () => ROUTE,
      shipments: (route: typeof ROUTE) => route.shipmentIds.map(byId),
    },
    Shipment: {
      __resolveReference(ref: {
        id: string;
        ref: { number: string; region: string };
        label?: string;
      }) {
        const shipment = byId(ref.id);
        if (!shipment || shipment.ref.number !== ref.ref?.number) return null;
        return { ...shipment, label: ref.label };
      },
      routeLabel: (s: { id: string; label?: string }) =>
        s.label === undefined ? null : `${ROUTE.id}: ${s.label}`,
    },
  },
};

export const overlappingKeysSubgraphs = [depot, carrier];
