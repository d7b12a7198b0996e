/**
 * The production image and docker-compose.yml, checked without a Docker engine: what a
 * build would refuse or a container would trip over at start.
 */
import { DockerfileParser } from 'dockerfile-ast';
import { parse } from 'yaml';

/** Node majors with long-term support that are not past their end of life (2026-12). */
export const SUPPORTED_NODE_MAJORS = [22, 24, 26];

export function dockerfileProblems(text: string, built: Set<string>): string[] {
  const dockerfile = DockerfileParser.parse(text);
  const lines = text.split('\n');
  // Arguments without their flags are what the parser gives; `--from=` is read from the line.
  const fromFlag = (i: { getRange(): { start: { line: number } } }) =>
    /--from=(\S+)/.exec(lines[i.getRange().start.line] ?? '')?.[1];
  const problems: string[] = [];
  const args = new Map<string, string>();
  const froms = dockerfile.getFROMs();
  const firstFrom = froms[0]?.getRange().start.line ?? 0;
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() !== 'ARG' || instruction.getRange().start.line > firstFrom)
      continue;
    const [name, value] = (instruction.getArgumentsContent() ?? '').split('=');
    if (name && value) args.set(name, value);
  }
  const resolve = (image: string) =>
    image.replace(/\$\{(\w+)\}/g, (_, name) => args.get(name) ?? '');
  if (froms.length < 2) problems.push('not a multi-stage build');
  const stages = new Set(froms.map((f) => f.getBuildStage()).filter(Boolean));
  const last = froms[froms.length - 1];
  const lastLine = last?.getRange().start.line ?? 0;
  const image = resolve(last?.getImage() ?? '');
  const major = Number(/^node:(\d+)/.exec(image)?.[1]);
  if (!SUPPORTED_NODE_MAJORS.includes(major))
    problems.push(
      `final image ${image} is not a supported Node LTS (${SUPPORTED_NODE_MAJORS.join(', ')})`,
    );
  const finalStage = dockerfile.getInstructions().filter((i) => i.getRange().start.line > lastLine);
  const keyword = (k: string) => finalStage.filter((i) => i.getKeyword() === k);
  const user = keyword('USER').at(-1)?.getArgumentsContent();
  if (!user || user === 'root' || user === '0') problems.push('the final stage runs as root');
  if (!keyword('HEALTHCHECK').length) problems.push('no HEALTHCHECK');
  const entrypoint = keyword('ENTRYPOINT').at(-1)?.getArgumentsContent() ?? '';
  if (!/tini|docker-init|dumb-init/.test(entrypoint))
    problems.push('no init process as PID 1 (tini) in ENTRYPOINT');
  for (const copy of dockerfile.getInstructions().filter((i) => i.getKeyword() === 'COPY')) {
    const from = fromFlag(copy);
    if (from && !stages.has(from)) problems.push(`COPY --from=${from}: no such stage`);
  }
  const modules = keyword('COPY').find((c) => /node_modules/.test(c.getArgumentsContent() ?? ''));
  const modulesStage = modules && fromFlag(modules);
  const stageText = (name: string) => {
    const start = froms.find((f) => f.getBuildStage() === name)?.getRange().start.line ?? -1;
    const end =
      froms.find((f) => f.getRange().start.line > start)?.getRange().start.line ?? Infinity;
    return lines.slice(start, end).join('\n');
  };
  if (!modulesStage || !/npm ci[^\n]*--omit=dev/.test(stageText(modulesStage)))
    problems.push('the final node_modules is not from an `npm ci --omit=dev` stage');
  const cmd = /\["([^"]+)"/.exec(keyword('CMD').at(-1)?.getArgumentsContent() ?? '')?.[1];
  if (!cmd || !built.has(cmd)) problems.push(`CMD ${cmd} is not in the build output`);
  return problems;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Service = Record<string, any>;

export function composeProblems(
  text: string,
  built: Set<string>,
  subgraphs: { name: string; defaultPort: number }[],
): string[] {
  const compose = parse(text, { merge: true }) as { services: Record<string, Service> };
  const problems: string[] = [];
  const services = compose.services ?? {};
  const ports = new Map<string, string>();
  for (const [name, service] of Object.entries(services)) {
    const env = service.environment ?? {};
    const port = env.PORT ?? env.ROUTER_PORT;
    if (port) ports.set(name, String(port));
  }
  for (const [name, service] of Object.entries(services)) {
    if (!String(service.image ?? '').startsWith('commerce-supergraph')) continue;
    const script = service.command?.[0];
    if (!built.has(script)) problems.push(`${name}: command ${script} is not in the build output`);
    if (service.profiles?.includes('tools')) continue;
    if (!service.healthcheck?.test) problems.push(`${name}: no healthcheck`);
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      if (!key.endsWith('_URL') || !/^https?:/.test(String(value))) continue;
      const url = new URL(String(value));
      if (!services[url.hostname])
        problems.push(`${name}: ${key} names no service (${url.hostname})`);
      else if (ports.get(url.hostname) !== url.port)
        problems.push(
          `${name}: ${key} port ${url.port} is not where ${url.hostname} listens (${ports.get(url.hostname)})`,
        );
    }
  }
  for (const subgraph of subgraphs) {
    if (!services[subgraph.name]) problems.push(`subgraph ${subgraph.name} has no service`);
    else if (ports.get(subgraph.name) !== String(subgraph.defaultPort))
      problems.push(
        `${subgraph.name} listens on ${ports.get(subgraph.name)}, not its port ${subgraph.defaultPort}`,
      );
  }
  return problems;
}
