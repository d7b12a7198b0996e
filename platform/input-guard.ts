import type { ApolloServerPlugin } from '@apollo/server';
import { controlCharacterChecker, NUL } from './input/control-characters';

/**
 * PostgreSQL refuses NUL (0x00) in text, so a NUL in any string argument would reach the
 * caller as a masked INTERNAL_SERVER_ERROR from the first query that carries it. No
 * subgraph ever means to accept one: refuse the whole operation up front, whether the NUL
 * came in a variable or in a literal of the document, with the router's error shape
 * (BAD_USER_INPUT, reason CONTROL_CHARACTER, the `variable` or `argument` path). The
 * router refuses every C0 control character before this; this guard is for any other
 * caller.
 */
export function nulGuardPlugin<Context extends object>(): ApolloServerPlugin<Context> {
  // The router sends the same planned documents again and again: their literals are
  // looked at once, the variables of every request.
  const check = controlCharacterChecker({ forbidden: NUL, httpStatus: 200 });
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const error = check(document, request.variables);
          if (error) throw error;
        },
      };
    },
  };
}
