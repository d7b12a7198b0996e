// Validates Kubernetes documents (a JSON array on stdin) against the Kubernetes schemas of
// kubernetes-models, offline; prints the problems as a JSON array. A separate ES module
// because kubernetes-models is published as ES modules only (import condition only), which
// neither jest's CommonJS nor `require` can load.
const input = await new Promise((resolve) => {
  let text = '';
  process.stdin.on('data', (chunk) => (text += chunk));
  process.stdin.on('end', () => resolve(text));
});
const problems = [];
for (const doc of JSON.parse(input)) {
  const where = `${doc.kind}/${doc.metadata?.name}`;
  try {
    const module = await import(`kubernetes-models/${doc.apiVersion}/${doc.kind}`);
    new module[doc.kind](doc).validate();
  } catch (error) {
    problems.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
process.stdout.write(JSON.stringify(problems));
