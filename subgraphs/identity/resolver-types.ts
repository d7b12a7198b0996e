import type { SubgraphContext } from '../../platform/context';
import type { TokenPair } from './domain/authentication';
import type { IdentityLoaders } from './loaders';
import type { IdentityServices } from './service';

export type Context = SubgraphContext<IdentityServices, IdentityLoaders>;

export interface AuthLike<Row> {
  mfaRequired: boolean;
  account: Row | null;
  tokens: TokenPair | null;
}
