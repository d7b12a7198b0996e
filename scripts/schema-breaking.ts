/**
 * `npm run schema:breaking`: compares the API schema now (built from the composed
 * supergraph) with the last committed one (`git show HEAD:schema/api.graphql`, or
 * `SCHEMA_BASE_REF` such as origin/main) using @graphql-inspector/core.
 *
 * Every change is listed. A breaking change that touches something an SDK operation
 * (schema/operations/) uses fails the check; one that no operation uses is a warning
 * (other clients may still use it: read the list).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import {
  buildSchema,
  type DocumentNode,
  getNamedType,
  type GraphQLNamedType,
  type GraphQLSchema,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  separateOperations,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { API_SCHEMA_PATH, apiSchemaSdl, readOperations, ROOT, SUPERGRAPH_PATH } from './api-schema';

export interface AffectedChange {
  change: Change;
  /** The SDK operations that use what changed. */
  operations: string[];
}

export interface SchemaChangeReport {
  /** Every change, in the order graphql-inspector lists them. */
  changes: Change[];
  /** Breaking changes to something an SDK operation uses: these fail the check. */
  failures: AffectedChange[];
  /** Breaking changes no SDK operation uses: reported, not fatal. */
  warnings: Change[];
  /** Dangerous (not breaking) changes, such as a new enum value. */
  dangerous: Change[];
}

/** Schema coordinates (Type, Type.field, Type.field.arg) → the operations that use them. */
export function schemaUsage(
  schemas: GraphQLSchema[],
  operations: DocumentNode,
): Map<string, Set<string>> {
  const usage = new Map<string, Set<string>>();
  const use = (coordinate: string, operation: string) => {
    let users = usage.get(coordinate);
    if (!users) usage.set(coordinate, (users = new Set()));
    users.add(operation);
  };
  const useType = (
    type: GraphQLNamedType | null | undefined,
    operation: string,
    seen = new Set<string>(),
  ) => {
    if (!type || seen.has(type.name)) return;
    seen.add(type.name);
    use(type.name, operation);
    // A variable of an input type may carry any of its fields.
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        use(`${type.name}.${field.name}`, operation);
        useType(getNamedType(field.type), operation, seen);
      }
    }
  };

  for (const [name, document] of Object.entries(separateOperations(operations))) {
    for (const schema of schemas) {
      const typeInfo = new TypeInfo(schema);
      visit(
        document,
        visitWithTypeInfo(typeInfo, {
          VariableDefinition(node) {
            const type = typeFromAST(schema, node.type);
            useType(type ? getNamedType(type) : null, name);
          },
          Field(node) {
            const parent = typeInfo.getParentType();
            if (!parent) return;
            use(parent.name, name);
            use(`${parent.name}.${node.name.value}`, name);
            useType(getNamedType(typeInfo.getType() ?? undefined), name);
          },
          Argument(node) {
            const parent = typeInfo.getParentType();
            const field = typeInfo.getFieldDef();
            if (!parent || !field || typeInfo.getDirective()) return;
            use(`${parent.name}.${field.name}.${node.name.value}`, name);
            const argument = typeInfo.getArgument();
            if (argument) useType(getNamedType(argument.type), name);
          },
        }),
      );
    }
  }
  return usage;
}

/** The operations a change touches, judged by its path (Type, Type.field or Type.field.arg). */
function operationsAffected(
  change: Change,
  usage: Map<string, Set<string>>,
  schemas: GraphQLSchema[],
): string[] {
  if (!change.path || change.path.startsWith('@')) return [];
  const [typeName, fieldName, argName] = change.path.split('.');
  const type = schemas.map((schema) => schema.getType(typeName!)).find(Boolean);
  let coordinate = typeName!;
  if (fieldName !== undefined && (isObjectType(type) || isInterfaceType(type))) {
    // A new required argument breaks every caller of the field; anything else about an
    // argument only those that pass it.
    coordinate =
      argName !== undefined && change.type !== 'FIELD_ARGUMENT_ADDED'
        ? `${typeName}.${fieldName}.${argName}`
        : `${typeName}.${fieldName}`;
  }
  // Input objects and enums count as a whole: variables may carry any field or value.
  return [...(usage.get(coordinate) ?? [])].sort();
}

export async function checkSchemaChanges(
  oldSdl: string,
  newSdl: string,
  operationsSdl: string,
): Promise<SchemaChangeReport> {
  const oldSchema = buildSchema(oldSdl);
  const newSchema = buildSchema(newSdl);
  const changes = await diff(oldSchema, newSchema);
  const operations = parse(operationsSdl);
  if (!operations.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION)) {
    throw new Error('No SDK operations found');
  }
  const usage = schemaUsage([oldSchema, newSchema], operations);
  const report: SchemaChangeReport = { changes, failures: [], warnings: [], dangerous: [] };
  for (const change of changes) {
    if (change.criticality.level === CriticalityLevel.Dangerous) report.dangerous.push(change);
    if (change.criticality.level !== CriticalityLevel.Breaking) continue;
    const affected = operationsAffected(change, usage, [oldSchema, newSchema]);
    if (affected.length) report.failures.push({ change, operations: affected });
    else report.warnings.push(change);
  }
  return report;
}

function committedApiSchema(ref: string): string | null {
  try {
    return execFileSync('git', ['show', `${ref}:${API_SCHEMA_PATH}`], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const ref = process.env.SCHEMA_BASE_REF || 'HEAD';
  const committed = committedApiSchema(ref);
  if (committed === null) {
    console.log(`schema:breaking: no ${API_SCHEMA_PATH} in ${ref}; nothing to compare with`);
    return;
  }
  const current = apiSchemaSdl(readFileSync(join(ROOT, SUPERGRAPH_PATH), 'utf8'));
  const report = await checkSchemaChanges(committed, current, readOperations());
  const nonBreaking = report.changes.length - report.failures.length - report.warnings.length;
  console.log(
    `schema:breaking: ${report.changes.length} change(s) against ${ref}: ${report.failures.length} breaking an SDK operation, ` +
      `${report.warnings.length} breaking but unused by the SDK, ${nonBreaking} safe or dangerous`,
  );
  for (const change of report.dangerous) console.log(`  dangerous: ${change.message}`);
  for (const change of report.warnings)
    console.warn(`  warning (no SDK operation uses it): ${change.message}`);
  for (const { change, operations } of report.failures) {
    console.error(`  BREAKING: ${change.message} (used by ${operations.join(', ')})`);
  }
  if (report.failures.length) process.exit(1);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
