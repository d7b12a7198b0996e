import type { ApolloServerPlugin } from '@apollo/server';
import {
  controlCharacterInDocument,
  controlCharacterInVariables,
  NUL,
} from './input/control-characters';
import { PassedDocuments } from './passed-documents';

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
  const rule = { forbidden: NUL, httpStatus: 200 };
  // The router sends the same planned documents again and again: their literals are
  // looked at once, the variables of every request.
  const passed = new PassedDocuments();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const error =
            controlCharacterInVariables(request.variables, rule) ??
            (passed.has(document) ? null : controlCharacterInDocument(document, rule));
          if (error) throw error;
          passed.add(document);
        },
      };
    },
  };
}
