import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { type DocumentNode, parse, print, visit } from 'graphql';
import { subgraphs } from '../subgraphs/registry';
import { apiSchemaSdl, readOperations } from './api-schema';
import { composeSubgraphs } from './composition';
import { checkSchemaChanges } from './schema-breaking';

/**
 * The schema change check, called directly (no git): removing something an SDK operation
 * uses is breaking, removing something no operation uses is only a warning.
 */
const current = apiSchemaSdl(
  readFileSync(join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8'),
);
const operations = readOperations();

function withoutField(sdl: string, typeName: string, fieldName: string): string {
  return print(removeField(parse(sdl), typeName, fieldName));
}

function removeField(document: DocumentNode, typeName: string, fieldName: string): DocumentNode {
  return visit(document, {
    ObjectTypeDefinition(node) {
      if (node.name.value !== typeName) return undefined;
      const fields = node.fields?.filter((field) => field.name.value !== fieldName);
      if (fields?.length === node.fields?.length)
        throw new Error(`${typeName}.${fieldName} is not in the schema`);
      return { ...node, fields };
    },
  });
}

describe('schema:breaking', () => {
  it('finds nothing when the schema did not change', async () => {
    const report = await checkSchemaChanges(current, current, operations);
    expect(report.changes).toEqual([]);
    expect(report.failures).toEqual([]);
  });

  it('fails when a field an SDK operation uses is removed (Product.name)', async () => {
    const report = await checkSchemaChanges(
      current,
      withoutField(current, 'Product', 'name'),
      operations,
    );
    expect(report.failures).toHaveLength(1);
    const [failure] = report.failures;
    expect(failure!.change).toMatchObject({
      type: 'FIELD_REMOVED',
      path: 'Product.name',
      criticality: { level: 'BREAKING' },
    });
    // Product.name is in the ProductCard fragment: every operation that spreads it breaks.
    expect(failure!.operations).toEqual(
      expect.arrayContaining(['Products', 'ProductBySlug', 'ProductCreate']),
    );
  });

  it('only warns when the removed field is used by no SDK operation', async () => {
    const report = await checkSchemaChanges(
      current,
      withoutField(current, 'Product', 'createdAt'),
      operations,
    );
    expect(report.failures).toEqual([]);
    expect(report.warnings.map((change) => change.path)).toEqual(['Product.createdAt']);
  });

  it('fails on a new required argument of a field the SDK calls, and on a removed enum value it reads', async () => {
    const query = current.indexOf('type Query {');
    const requiredArgument =
      current.slice(0, query) +
      current.slice(query).replace('\n  products(\n', '\n  products(\n    channel: String!\n');
    expect(requiredArgument).not.toEqual(current);
    const argumentReport = await checkSchemaChanges(current, requiredArgument, operations);
    expect(
      argumentReport.failures.map((f) => [f.change.type, f.change.path, f.operations]),
    ).toEqual([
      // The storefront's product list and the admin panel's (issue 19) both call products.
      ['FIELD_ARGUMENT_ADDED', 'Query.products.channel', ['AdminProducts', 'Products']],
    ]);

    const enumValueRemoved = current.replace(/(enum OrderStatus \{[^}]*?)\n {2}DELIVERED/, '$1');
    expect(enumValueRemoved).not.toEqual(current);
    const enumReport = await checkSchemaChanges(current, enumValueRemoved, operations);
    expect(enumReport.failures.map((f) => f.change.path)).toEqual(['OrderStatus.DELIVERED']);
    expect(enumReport.failures[0]!.operations).toEqual(
      expect.arrayContaining(['OrderUpdated', 'OrderMarkDelivered']),
    );
  });

  it('fails when a subgraph drops a field the SDK uses: catalog without Product.name, composed', async () => {
    const composed = composeServices(
      subgraphs.map((subgraph) => ({
        name: subgraph.name,
        url: `http://localhost:${subgraph.defaultPort}/graphql`,
        typeDefs:
          subgraph.name === 'catalog'
            ? removeField(subgraph.typeDefs, 'Product', 'name')
            : subgraph.typeDefs,
      })),
    );
    expect(composed.errors).toBeUndefined();
    const before = apiSchemaSdl(composeSubgraphs());
    const report = await checkSchemaChanges(
      before,
      apiSchemaSdl(composed.supergraphSdl!),
      operations,
    );
    expect(report.failures.map((failure) => failure.change.path)).toEqual(['Product.name']);
  });
});
