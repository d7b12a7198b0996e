import type { SubgraphContext } from '../../platform/context';
import type { TokenPair } from './authentication';
import type { IdentityLoaders } from './loaders';
import type { IdentityServices } from './services';

export type Context = SubgraphContext<IdentityServices, IdentityLoaders>;

export interface AuthLike<Row> {
  mfaRequired: boolean;
  account: Row | null;
  tokens: TokenPair | null;
}
