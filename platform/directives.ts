import {
  defaultFieldResolver,
  type FieldDefinitionNode,
  type GraphQLSchema,
  isObjectType,
  valueFromASTUntyped,
} from 'graphql';
import { hasAllPermissions, refuse } from './authorization';
import { unauthenticated } from './errors';
import type { Viewer } from './identity';

type Rule = { authenticated: true } | { scopes: string[][] };

/**
 * Enforces `@signedIn` and `@requiresPermission(anyOf: [...])` where a subgraph's SDL puts
 * them: who may call what is written next to the field, and the platform checks it before the
 * resolver runs. A subgraph declares the directives it uses in its own SDL. They are not
 * federation's @authenticated/@requiresScopes: those are composed into the supergraph, and
 * @apollo/gateway refuses a supergraph needing security features it cannot enforce.
 */
export function enforceAuthorizationDirectives(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const rule = ruleOf(field.astNode);
      if (!rule) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context: { viewer: Viewer }, info) => {
        check(rule, context.viewer);
        return resolve(source, args, context, info);
      };
      if (field.subscribe) {
        const subscribe = field.subscribe;
        field.subscribe = (source, args, context: { viewer: Viewer }, info) => {
          check(rule, context.viewer);
          return subscribe(source, args, context, info);
        };
      }
    }
  }
  return schema;
}

function ruleOf(node: FieldDefinitionNode | null | undefined): Rule | null {
  for (const directive of node?.directives ?? []) {
    if (directive.name.value === 'signedIn') return { authenticated: true };
    if (directive.name.value === 'requiresPermission') {
      const argument = directive.arguments?.find((a) => a.name.value === 'anyOf');
      const anyOf = argument ? (valueFromASTUntyped(argument.value) as string[]) : [];
      return { scopes: anyOf.map((permission) => [permission]) };
    }
  }
  return null;
}

function check(rule: Rule, viewer: Viewer): void {
  if (viewer.kind === 'service') return;
  if ('scopes' in rule) {
    if (rule.scopes.some((all) => hasAllPermissions(viewer, all))) return;
    refuse(viewer, `Requires ${rule.scopes.map((all) => all.join(' and ')).join(' or ')}`);
  }
  if (viewer.kind === 'anonymous') throw unauthenticated();
}
