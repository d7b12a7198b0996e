import type { SubgraphContext } from '../../platform/context';
import { badInput, withUserErrors } from '../../platform/errors';
import { isUuid, parseId } from '../../platform/ids';
import { orNull } from '../../platform/loaders';
import { placeDistanceKm } from './domain/geo';
import type { LocationRow } from './entities';
import type { Location, ModelFields, Resolvers, Subdivision } from './generated/resolvers-types';
import type { LocationServices } from './index';
import type { LocationLoaders } from './loaders';
import { type CountryInfo, seededLocationId, type Subdivision as SubdivisionInfo } from './service';

export type Context = SubgraphContext<LocationServices, LocationLoaders>;

/** GraphQL shapes (codegen.yml's mappers): reference data as the packages give it, tree rows mapped. */
export type CountryModel = CountryInfo;
export type SubdivisionModel = ModelFields<Subdivision, 'location'>;
export type LocationModel = ModelFields<Location, 'parent' | 'children'> & {
  parentId: string | null;
};

function toLocation(row: LocationRow): LocationModel {
  return {
    id: row.id,
    kind: row.kind,
    code: row.code,
    name: row.name,
    countryCode: row.countryCode,
    parentId: row.parentId,
  };
}

const byId = (ctx: Context, id: string) =>
  ctx.loaders.locationById.load(id).then(orNull(toLocation));

export const locationResolvers = {
  Query: {
    countries: (_, __, ctx) => ctx.services.location.countries(),
    country: (_, { code }, ctx) => ctx.services.location.country(code),
    location: (_, { id }, ctx) => byId(ctx, parseId(id, 'id')),
    async locations(_, { parentId }, ctx) {
      if (parentId == null) return (await ctx.services.location.tree.countries()).map(toLocation);
      return (await ctx.loaders.childrenOf.load(parseId(parentId, 'parentId'))).map(toLocation);
    },
    addressValidate: (_, args, ctx) =>
      ctx.services.location.validateAddress(args.input, args.require ?? []),
    distances(_, { from, to }) {
      if (from.length > 100) throw badInput('At most 100 places at once', 'from');
      return from.map((place) => placeDistanceKm(place, to));
    },
  },
  Mutation: {
    locationCreate(_, { input }, ctx) {
      const parentId = parseId(input.parentId, 'parentId');
      return withUserErrors(async () => ({
        location: toLocation(await ctx.services.location.tree.create({ ...input, parentId })),
      }));
    },
    locationUpdate(_, { id, input }, ctx) {
      const locationId = parseId(id, 'id');
      return withUserErrors(async () => ({
        location: toLocation(await ctx.services.location.tree.update(locationId, input)),
      }));
    },
    locationDelete(_, { id }, ctx) {
      const locationId = parseId(id, 'id');
      return withUserErrors(async () => {
        await ctx.services.location.tree.delete(locationId);
        return { deletedId: locationId };
      });
    },
  },
  Country: {
    __resolveReference: (ref: { code?: unknown }, ctx: Context) =>
      typeof ref.code === 'string' ? ctx.services.location.country(ref.code) : null,
    subdivisions: (country, { topLevel }) =>
      topLevel ? country.subdivisions.filter((s) => s.parentCode === null) : country.subdivisions,
    postalCodeExample: (country) => country.postalCodeExamples[0] ?? null,
    location: (country, _, ctx) => byId(ctx, seededLocationId(country.code)),
  },
  Subdivision: {
    location: (subdivision: SubdivisionInfo, _, ctx) =>
      byId(ctx, seededLocationId(subdivision.code)),
  },
  Location: {
    __resolveReference: (ref: { id?: unknown }, ctx: Context) =>
      isUuid(ref.id) ? byId(ctx, ref.id.toLowerCase()) : null,
    parent: (location, _, ctx) => (location.parentId ? byId(ctx, location.parentId) : null),
    children: async (location, _, ctx) =>
      (await ctx.loaders.childrenOf.load(location.id)).map(toLocation),
  },
} satisfies Resolvers;
