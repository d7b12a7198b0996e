/**
 * What every rendered overlay must satisfy, beyond rendering: each document valid against
 * the Kubernetes schemas (offline, kubernetes-models), every workload with probes and
 * resource limits, every `SUBGRAPH_<NAME>_URL` (any `*_URL`) pointing at a Service port that reaches a container
 * port, every process with an autoscaler and a disruption budget, no Secret in the
 * manifests and no secret as a literal value.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** A rendered document, as YAML parsing gives it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Doc = Record<string, any>;

/** The kinds the overlays use, by `apiVersion/kind` (also their path in kubernetes-models). */
const KNOWN_KINDS = new Set([
  'v1/ConfigMap',
  'v1/Service',
  'apps/v1/Deployment',
  'apps/v1/StatefulSet',
  'autoscaling/v2/HorizontalPodAutoscaler',
  'policy/v1/PodDisruptionBudget',
  'networking.k8s.io/v1/Ingress',
]);

const SECRET_NAME = /SECRET|PASSWORD|TOKEN|KEY$|^DATABASE_URL$|^REDIS_URL$/;
const isWorkload = (doc: Doc) => doc.kind === 'Deployment' || doc.kind === 'StatefulSet';
const id = (doc: Doc) => `${doc.kind}/${doc.metadata?.name}`;

function kindProblems(doc: Doc): string[] {
  if (doc.kind === 'Secret') return [`${id(doc)}: Secrets are created outside the repository`];
  if (!KNOWN_KINDS.has(`${doc.apiVersion}/${doc.kind}`))
    return [`${id(doc)}: no schema known for ${doc.apiVersion} ${doc.kind}`];
  return [];
}

/** Every document of a known kind against its schema, in one Node process (./validate-schemas.mjs). */
function schemaProblems(docs: Doc[]): string[] {
  const known = docs.filter((doc) => kindProblems(doc).length === 0);
  const output = execFileSync(process.execPath, [join(__dirname, 'validate-schemas.mjs')], {
    input: JSON.stringify(known),
    encoding: 'utf8',
  });
  return JSON.parse(output) as string[];
}

function workloadProblems(doc: Doc): string[] {
  const problems: string[] = [];
  for (const c of doc.spec?.template?.spec?.containers ?? []) {
    const where = `${id(doc)} container ${c.name}`;
    if (!c.readinessProbe) problems.push(`${where}: no readinessProbe`);
    if (!c.livenessProbe) problems.push(`${where}: no livenessProbe`);
    if (!c.resources?.limits?.cpu || !c.resources?.limits?.memory)
      problems.push(`${where}: no cpu and memory limits`);
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory)
      problems.push(`${where}: no cpu and memory requests`);
    for (const env of c.env ?? [])
      if (SECRET_NAME.test(env.name) && env.value !== undefined)
        problems.push(`${where}: ${env.name} is a literal; take it from a Secret`);
  }
  return problems;
}

/** The container port a Service port reaches, in the workloads its selector picks. */
function reaches(service: Doc, servicePort: Doc, workloads: Doc[]): boolean {
  const selector: Record<string, string> = service.spec?.selector ?? {};
  const picked = workloads.filter((w) => {
    const podLabels = w.spec?.template?.metadata?.labels ?? {};
    return Object.entries(selector).every(([k, v]) => podLabels[k] === v);
  });
  const target = servicePort.targetPort ?? servicePort.port;
  return picked.some((w) =>
    (w.spec.template.spec.containers ?? []).some((c: Doc) =>
      (c.ports ?? []).some((p: Doc) => p.name === target || p.containerPort === target),
    ),
  );
}

function urlProblems(docs: Doc[]): string[] {
  const services = new Map(
    docs.filter((d) => d.kind === 'Service').map((s) => [s.metadata.name, s]),
  );
  const workloads = docs.filter(isWorkload);
  const urls: [string, string, string][] = [];
  for (const doc of docs) {
    if (doc.kind === 'ConfigMap')
      for (const [key, value] of Object.entries(doc.data ?? {}))
        if (key.endsWith('_URL')) urls.push([id(doc), key, String(value)]);
    if (isWorkload(doc))
      for (const c of doc.spec.template.spec.containers ?? [])
        for (const env of c.env ?? [])
          if (env.name.endsWith('_URL') && env.value) urls.push([id(doc), env.name, env.value]);
  }
  const problems: string[] = [];
  for (const [where, key, value] of urls) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      problems.push(`${where}: ${key}=${value} is not a URL`);
      continue;
    }
    const service = services.get(url.hostname.split('.')[0]);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const servicePort = service?.spec?.ports?.find((p: Doc) => p.port === port);
    if (!service) problems.push(`${where}: ${key} names no Service (${url.hostname})`);
    else if (!servicePort)
      problems.push(
        `${where}: ${key} port ${port} is not a port of Service ${service.metadata.name}`,
      );
    else if (!reaches(service, servicePort, workloads))
      problems.push(
        `${where}: ${key} reaches Service ${service.metadata.name}, whose port ${port} reaches no container port`,
      );
  }
  return problems;
}

function scalingProblems(docs: Doc[]): string[] {
  const platform = docs.filter(
    (d) =>
      d.kind === 'Deployment' && d.metadata?.labels?.['app.kubernetes.io/part-of'] === 'commerce',
  );
  const problems: string[] = [];
  for (const deployment of platform) {
    const name = deployment.metadata.name;
    const hpa = docs.find(
      (d) => d.kind === 'HorizontalPodAutoscaler' && d.spec?.scaleTargetRef?.name === name,
    );
    if (!hpa) problems.push(`${id(deployment)}: no HorizontalPodAutoscaler`);
    const labels = deployment.spec.template.metadata.labels ?? {};
    const pdb = docs.find(
      (d) =>
        d.kind === 'PodDisruptionBudget' &&
        Object.entries(d.spec?.selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v),
    );
    if (!pdb) problems.push(`${id(deployment)}: no PodDisruptionBudget`);
  }
  return problems;
}

export function manifestProblems(docs: Doc[]): string[] {
  return [
    ...docs.flatMap(kindProblems),
    ...schemaProblems(docs),
    ...docs.filter(isWorkload).flatMap(workloadProblems),
    ...urlProblems(docs),
    ...scalingProblems(docs),
  ];
}
