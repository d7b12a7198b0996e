import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { build } from '../scripts/build';
import { baseDrift } from '../scripts/deploy-manifests';
import { composeProblems, dockerfileProblems } from '../scripts/deploy/image-checks';
import { manifestProblems, type Doc } from '../scripts/deploy/manifest-checks';
import { subgraphs } from '../subgraphs/registry';
import { createTestDatabase, type TestDatabase } from '../platform/testing/database';
import { dataOf, postGraphQL } from '../platform/testing/graphql-client';
import { randomPortOffset } from '../platform/testing/ports';

/**
 * What deploys the platform, checked without a Docker engine or a cluster: the compiled
 * output starts the platform with plain `node`; the Dockerfile and compose file point at
 * what the build produces; every Kubernetes overlay renders (kubectl kustomize) and passes
 * the schemas and our invariants, and breaking one invariant is caught.
 */
const ROOT = join(__dirname, '..');
const OUT = join(ROOT, '.data', 'build-check');
let built: Set<string>;

const render = (overlay: string): Doc[] =>
  parseAllDocuments(
    execFileSync('kubectl', ['kustomize', join(ROOT, 'deploy', 'k8s', 'overlays', overlay)], {
      encoding: 'utf8',
    }),
  ).map((doc) => doc.toJS() as Doc);

const find = (docs: Doc[], kind: string, name: string) =>
  docs.find((d) => d.kind === kind && d.metadata.name === name)!;

beforeAll(() => {
  build(OUT);
  // As the image lays it out: /app/dist/…
  built = new Set(
    execFileSync('find', [OUT, '-type', 'f'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((file) => join('dist', relative(OUT, file))),
  );
});

describe('Kubernetes', () => {
  it('has a base generated from the subgraph registry, with nothing edited by hand', () => {
    expect(baseDrift()).toEqual([]);
  });

  it.each(['development', 'production'])('renders the %s overlay valid and complete', (overlay) => {
    const docs = render(overlay);
    expect(manifestProblems(docs)).toEqual([]);
    for (const name of ['router', ...subgraphs.map((s) => s.name)]) {
      const deployment = find(docs, 'Deployment', name);
      expect(deployment.metadata.namespace).toBe(
        overlay === 'production' ? 'commerce' : 'commerce-dev',
      );
      expect(built).toContain(deployment.spec.template.spec.containers[0].args[0]);
    }
  });

  it('catches a missing probe, a wrong port, a literal secret and a Secret in the manifests', () => {
    const broken = render('production');
    delete find(broken, 'Deployment', 'orders').spec.template.spec.containers[0].readinessProbe;
    find(broken, 'Service', 'payments').spec.ports[0].port = 4999;
    find(broken, 'Deployment', 'catalog').spec.template.spec.containers[0].ports[0].name = 'web';
    find(broken, 'Deployment', 'router').spec.template.spec.containers[0].env.push({
      name: 'ROUTER_SIGNING_SECRET',
      value: 'hunter2',
    });
    broken.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'x' },
      stringData: { A: 'b' },
    });
    broken.push({ ...find(broken, 'Service', 'location'), spec: { ports: [{ port: 'eighty' }] } });
    const problems = manifestProblems(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        'Deployment/orders container orders: no readinessProbe',
        'ConfigMap/commerce-config: SUBGRAPH_PAYMENTS_URL port 4004 is not a port of Service payments',
        'ConfigMap/commerce-config: SUBGRAPH_CATALOG_URL reaches Service catalog, whose port 4001 reaches no container port',
        'Deployment/router container router: ROUTER_SIGNING_SECRET is a literal; take it from a Secret',
        'Secret/x: Secrets are created outside the repository',
        expect.stringMatching(/^Service\/location: .*port must be integer/),
      ]),
    );
  });
});

describe('image', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');

  it('builds on a supported Node LTS, runs the compiled output as non-root behind tini', () => {
    expect(dockerfileProblems(dockerfile, built)).toEqual([]);
    expect(composeProblems(compose, built, subgraphs)).toEqual([]);
  });

  it('catches an old Node, root, no init, no health check and a command the build lacks', () => {
    const broken = dockerfile
      .replace('ARG NODE_IMAGE=node:26-trixie-slim', 'ARG NODE_IMAGE=node:20-bookworm-slim')
      .replace(/^USER node$/m, '')
      .replace(/^HEALTHCHECK[^\n]*\\\n[^\n]*$/m, '')
      .replace('"/usr/bin/tini", "--", ', '')
      .replace('CMD ["dist/router/main.js"]', 'CMD ["dist/router/main.ts"]');
    expect(dockerfileProblems(broken, built)).toEqual([
      'final image node:20-bookworm-slim is not a supported Node LTS (22, 24, 26)',
      'the final stage runs as root',
      'no HEALTHCHECK',
      'no init process as PID 1 (tini) in ENTRYPOINT',
      'CMD dist/router/main.ts is not in the build output',
    ]);
    const wrongPort = compose.replace(
      'SUBGRAPH_ORDERS_URL: http://orders:4003/graphql',
      'SUBGRAPH_ORDERS_URL: http://orders:4030/graphql',
    );
    expect(composeProblems(wrongPort, built, subgraphs)).toContain(
      'router: SUBGRAPH_ORDERS_URL port 4030 is not where orders listens (4003)',
    );
  });
});

describe('compiled output', () => {
  let db: TestDatabase;
  let child: ChildProcess;
  let output = '';

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await db?.drop();
  });

  it('starts the whole platform with plain node and stops on SIGTERM', async () => {
    db = await createTestDatabase('deploy-dist');
    const offset = randomPortOffset();
    child = spawn(process.execPath, [join(OUT, 'scripts', 'start.js')], {
      env: { ...process.env, DATABASE_URL: db.url, PORT_OFFSET: String(offset), REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await Promise.race([
      new Promise<void>((resolve) => {
        const timer = setInterval(
          () => output.includes('router ready') && (clearInterval(timer), resolve()),
          100,
        );
      }),
      exited.then((code) => {
        throw new Error(`node dist/scripts/start.js exited with ${code}:\n${output}`);
      }),
    ]);
    const answer = await postGraphQL(
      `http://127.0.0.1:${4000 + offset}/graphql`,
      '{ products(first: 1) { edges { node { name } } } }',
    );
    expect(dataOf(answer).products.edges).toHaveLength(1);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
  }, 120_000);
});
