/**
 * `tsx subgraph-server.ts <name>`: one of the benchmark's subgraphs (subgraphs.ts) on
 * PORT, as lean as a Node server gets (node:http, each document parsed and validated
 * once), so that the gateway, not the subgraph, is what a run measures.
 */
import http from 'node:http';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { benchSubgraphSchema } from './subgraphs';

function serve(schema: GraphQLSchema, port: number): http.Server {
  const documents = new Map<string, DocumentNode | readonly Error[]>();
  const documentOf = (query: string) => {
    let document = documents.get(query);
    if (!document) {
      const parsed = parse(query);
      const errors = validate(schema, parsed);
      document = errors.length ? errors : parsed;
      documents.set(query, document);
    }
    return document;
  };
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') return void res.end('OK');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = async () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
            query: string;
            variables?: Record<string, unknown>;
            operationName?: string;
          };
          const document = documentOf(body.query);
          if (Array.isArray(document))
            return { errors: document.map((e) => ({ message: e.message })) };
          return await execute({
            schema,
            document: document as DocumentNode,
            variableValues: body.variables,
            operationName: body.operationName,
          });
        } catch (error) {
          return { errors: [{ message: String(error) }] };
        }
      };
      void answer().then((result) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(result));
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
  return server;
}

const server = serve(benchSubgraphSchema(process.argv[2] ?? ''), Number(process.env.PORT));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
