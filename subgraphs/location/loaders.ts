import { loaderByKey, loaderOfMany } from '../../platform/loaders';
import type { LocationService } from './service';

export function createLocationLoaders(location: LocationService) {
  return {
    locationById: loaderByKey(
      (ids: readonly string[]) => location.tree.byIds(ids),
      (row) => row.id,
    ),
    childrenOf: loaderOfMany(
      (ids: readonly string[]) => location.tree.childrenOf(ids),
      (row) => row.parentId!,
    ),
  };
}

export type LocationLoaders = ReturnType<typeof createLocationLoaders>;
