import type { ApolloServerPlugin } from '@apollo/server';
import { parse, type DocumentNode } from 'graphql';
import type { RouterContext } from '../../context';
import type { EdgeModule } from '../index';
import { checkEachOperation, isRecord, mayHoldSubscription } from '../limits/http';
import {
  controlCharacterChecker,
  findControlCharacter,
} from '../../../platform/input/control-characters';

export {
  findControlCharacter,
  hasControlCharacter,
} from '../../../platform/input/control-characters';

/**
 * Text the router refuses before planning and before any subgraph is called: a string
 * argument or variable holding a C0 control character other than tab, LF and CR (NUL
 * above all, which PostgreSQL refuses) is HTTP 400 BAD_USER_INPUT with
 * `reason: CONTROL_CHARACTER` and the `argument` (`products.search`) or `variable`
 * (`input.shippingAddress.name`) path that holds it. Checked in Apollo Server's
 * `didResolveOperation` (queries and mutations, every transport) and, for subscriptions
 * sent over HTTP (SSE, multipart), which skip Apollo Server, in middleware.
 */
export const inputHygiene: EdgeModule = () => ({
  middleware: [
    checkEachOperation((params) => {
      if (typeof params.query !== 'string' || !mayHoldSubscription(params.query)) return null;
      let document: DocumentNode;
      try {
        document = parse(params.query);
      } catch {
        return null; // the transport reports syntax errors
      }
      return findControlCharacter(
        document,
        isRecord(params.variables) ? params.variables : undefined,
      );
    }),
  ],
  plugins: [inputHygienePlugin()],
});

export function inputHygienePlugin(): ApolloServerPlugin<RouterContext> {
  // Variables change from request to request; a document's literals do not.
  const check = controlCharacterChecker();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request }) {
          const error = check(document, request.variables);
          if (error) throw error;
        },
      };
    },
  };
}
