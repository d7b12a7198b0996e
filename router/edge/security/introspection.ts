import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDisableSuggestions } from '@apollo/server/plugin/disableSuggestions';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import type { RouterContext } from '../../context';
import { PassedDocuments } from '../../../platform/passed-documents';

/**
 * Production mode (NODE_ENV=production when the router starts): introspection is
 * refused with HTTP 400 INTROSPECTION_DISABLED and error messages lose their
 * "Did you mean …?" suggestions, so the schema cannot be read or guessed from outside.
 * Development: both on (the playground needs introspection).
 *
 * Apollo Server itself turns introspection off when it is built with
 * NODE_ENV=production, answering GRAPHQL_VALIDATION_FAILED; that answer is relabelled
 * INTROSPECTION_DISABLED here, and `didResolveOperation` refuses it as well in case it
 * was built otherwise.
 */
export function productionSchemaHiding(): ApolloServerPlugin<RouterContext>[] {
  return [
    ApolloServerPluginDisableSuggestions() as ApolloServerPlugin<RouterContext>,
    hideSchemaPlugin(),
  ];
}

const SUGGESTION = / ?Did you mean(.+?)\?$/;

export function introspectionDisabled(): GraphQLError {
  return new GraphQLError('Introspection is disabled on this router', {
    extensions: { code: 'INTROSPECTION_DISABLED', http: { status: 400 } },
  });
}

export function usesIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return false;
      }
      return undefined;
    },
  });
  return found;
}

function hideSchemaPlugin(): ApolloServerPlugin<RouterContext> {
  const passed = new PassedDocuments();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document }) {
          if (passed.has(document)) return;
          if (usesIntrospection(document)) throw introspectionDisabled();
          passed.add(document);
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
          const result = response.body.singleResult;
          result.errors = result.errors!.map((error) => {
            if (error.extensions?.validationErrorCode === 'INTROSPECTION_DISABLED') {
              const { message, extensions } = introspectionDisabled();
              const { http: _http, ...rest } = extensions;
              return {
                message,
                ...(error.locations ? { locations: error.locations } : {}),
                extensions: rest,
              };
            }
            return SUGGESTION.test(error.message)
              ? { ...error, message: error.message.replace(SUGGESTION, '') }
              : error;
          });
        },
      };
    },
  };
}
