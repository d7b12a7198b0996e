import type { RateBand, RateBasis } from './rates';
import type { MethodKind } from '../entities';

export interface DemoZone {
  name: string;
  countries: string[];
  regions: string[];
  methods: {
    name: string;
    kind: MethodKind;
    carrier: string;
    basis: RateBasis;
    rates: RateBand[];
  }[];
}

const band = (
  currency: string,
  from: number,
  to: number | null,
  price: number,
  freeOver: number | null = null,
): RateBand => ({
  currency,
  from,
  to,
  price,
  freeOver,
});

/**
 * The demo shop's zones for its five countries (DE, FR, NL, GB, US), in EUR, GBP and USD.
 * The standard methods carry the flat rates pricing used to have (DE/FR/NL 4.95 EUR, free
 * from 50; GB 4.95 GBP; US 7.95 USD, free from 100), so totals stayed what buyers saw.
 */
export const DEMO_ZONES: DemoZone[] = [
  {
    name: 'Germany',
    countries: ['DE'],
    regions: [],
    methods: [
      {
        name: 'DHL Standard',
        kind: 'STANDARD',
        carrier: 'DHL-sandbox',
        basis: 'ORDER_VALUE',
        rates: [band('EUR', 0, null, 495, 5000)],
      },
      {
        name: 'DHL Express',
        kind: 'EXPRESS',
        carrier: 'DHL-sandbox',
        basis: 'WEIGHT',
        rates: [
          band('EUR', 1, 2000, 1290),
          band('EUR', 2000, 10000, 1890),
          band('EUR', 10000, null, 2990),
        ],
      },
      {
        name: 'DHL Packstation',
        kind: 'PICKUP_POINT',
        carrier: 'DHL-sandbox',
        basis: 'ITEM_COUNT',
        rates: [band('EUR', 1, 5, 390, 5000), band('EUR', 5, null, 590, 5000)],
      },
      {
        name: 'Pick up in Berlin',
        kind: 'LOCAL_PICKUP',
        carrier: 'DHL-sandbox',
        basis: 'ORDER_VALUE',
        rates: [band('EUR', 0, null, 0)],
      },
    ],
  },
  {
    name: 'EU',
    countries: ['FR', 'NL'],
    regions: [],
    methods: [
      {
        name: 'DHL Europe Standard',
        kind: 'STANDARD',
        carrier: 'DHL-sandbox',
        basis: 'ORDER_VALUE',
        rates: [band('EUR', 0, null, 495, 5000)],
      },
      {
        name: 'UPS Europe Express',
        kind: 'EXPRESS',
        carrier: 'UPS-sandbox',
        basis: 'WEIGHT',
        rates: [band('EUR', 1, 5000, 1990), band('EUR', 5000, null, 3490)],
      },
    ],
  },
  {
    name: 'United Kingdom',
    countries: ['GB'],
    regions: [],
    methods: [
      {
        name: 'UPS Standard',
        kind: 'STANDARD',
        carrier: 'UPS-sandbox',
        basis: 'ORDER_VALUE',
        rates: [band('GBP', 0, null, 495), band('EUR', 0, null, 990, 7500)],
      },
      {
        name: 'UPS Express',
        kind: 'EXPRESS',
        carrier: 'UPS-sandbox',
        basis: 'WEIGHT',
        rates: [band('GBP', 1, 5000, 1495), band('GBP', 5000, null, 2495)],
      },
    ],
  },
  {
    name: 'United States',
    countries: ['US'],
    regions: [],
    methods: [
      {
        name: 'UPS Ground',
        kind: 'STANDARD',
        carrier: 'UPS-sandbox',
        basis: 'ORDER_VALUE',
        rates: [band('USD', 0, null, 795, 10000)],
      },
      {
        name: 'UPS 2nd Day Air',
        kind: 'EXPRESS',
        carrier: 'UPS-sandbox',
        basis: 'WEIGHT',
        rates: [band('USD', 1, 2000, 1999), band('USD', 2000, null, 2999)],
      },
    ],
  },
  {
    name: 'California',
    countries: ['US'],
    regions: ['US-CA'],
    methods: [
      {
        name: 'UPS Ground California',
        kind: 'STANDARD',
        carrier: 'UPS-sandbox',
        basis: 'ORDER_VALUE',
        rates: [band('USD', 0, null, 795, 10000)],
      },
      {
        name: 'UPS Next Day California',
        kind: 'EXPRESS',
        carrier: 'UPS-sandbox',
        basis: 'ITEM_COUNT',
        rates: [band('USD', 1, null, 1499)],
      },
    ],
  },
];
