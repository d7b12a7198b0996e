// Who may import whom, by folder. A local rule because the import plugins decide on
// resolved module paths and need a TypeScript resolver; this one only needs the
// relative specifier, which is all this repository uses between its own folders.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** The folder a file belongs to, for the rule: `platform`, `router`, `subgraph:<name>`, or null (free). */
function zoneOf(file) {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === 'platform') return 'platform';
  if (rel[0] === 'router') return 'router';
  if (rel[0] === 'subgraphs' && rel.length > 2) return `subgraph:${rel[1]}`;
  return null;
}

function allowed(from, to) {
  if (to === null) return from === null;
  if (to === 'platform') return true;
  return from === to;
}

const boundaries = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'router imports only platform/ and itself; a subgraph only platform/ and its own folder',
    },
    messages: {
      forbidden: '{{from}} may not import {{target}} ({{to}}): only platform/ and its own folder',
    },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const from = zoneOf(file);
    if (from === null) return {};
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), spec);
      const isFile =
        fs.existsSync(`${target}.ts`) ||
        fs.existsSync(`${target}.mjs`) ||
        /\.[cm]?[jt]s$/.test(target);
      const to = zoneOf(isFile ? target : path.join(target, 'index.ts'));
      if (!allowed(from, to)) {
        context.report({
          node: node.source,
          messageId: 'forbidden',
          data: { from, target: spec, to: to ?? path.relative(root, target) },
        });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { boundaries } };
