// The walls between the repository's districts, as an ESLint rule: an import (static, dynamic,
// re-export or require) is resolved against the importing file and refused when it crosses a wall.
// Path patterns cannot do this: `../server` is the local cloud's own server.ts from inside its
// package but the shipped server/ from the repository's root.
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The local cloud: a package of its own, imported by its name. */
const CLOUD = 'packages/cloudbase-local';
const PACKAGES = { 'cloudbase-local': CLOUD };
const LOCAL = [CLOUD, 'preview', 'dev', 'bench', 'test', 'scripts'];
const APP = ['miniprogram', 'cloudfunctions', 'server', 'typings'];
const SHIPS = { deny: LOCAL, why: 'code that ships cannot import local-only code' };

/** From a district, the districts it may not import (or the only ones it may), and why. */
export const WALLS = {
  miniprogram: SHIPS,
  cloudfunctions: SHIPS,
  server: SHIPS,
  typings: SHIPS,
  // Copied into the mini-program on its own, so it may import nothing outside itself but the
  // contracts' types (erased when compiled; scripts/copy-shared.mjs fixes their paths in the copy).
  shared: {
    deny: [...LOCAL, ...APP],
    typesFrom: ['typings'],
    why: 'shared/ ships alone, copied into the mini-program',
  },
  // A package installed elsewhere has nothing of this repository beside it.
  [CLOUD]: { only: [], why: 'the local cloud is a package of its own and knows nothing of this app' },
};

/** The district of a file: its top folder, or `packages/<name>` for a workspace package. */
const districtOf = (file) => {
  const inside = relative(ROOT, file);
  if (inside.startsWith('..') || isAbsolute(inside)) return undefined;
  const [top, name] = inside.split(sep);
  return top === 'packages' && name ? `${top}/${name}` : top;
};

/** The district an import names: a relative path's, or a workspace package's by its name. */
const targetOf = (filename, source) => {
  if (source.startsWith('.')) return districtOf(resolve(dirname(filename), source));
  const name = source.split('/')[0];
  return Object.prototype.hasOwnProperty.call(PACKAGES, name) ? PACKAGES[name] : undefined;
};

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Refuses imports across the walls between shipped and local-only code' },
    messages: { wall: "{{from}}/ cannot import {{to}}/ ('{{source}}'): {{why}}." },
    schema: [],
  },
  create(context) {
    const from = districtOf(context.filename);
    const wall = from && WALLS[from];
    if (!wall) return {};
    const check = (node, typeOnly = false) => {
      const source = node?.type === 'Literal' && typeof node.value === 'string' ? node.value : undefined;
      if (!source) return;
      const to = targetOf(context.filename, source);
      if (typeOnly && wall.typesFrom?.includes(to)) return;
      if (to && to !== from && (wall.only ? !wall.only.includes(to) : wall.deny.includes(to))) {
        context.report({ node, messageId: 'wall', data: { from, to, source, why: wall.why } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.importKind === 'type'),
      ExportNamedDeclaration: (node) => check(node.source, node.exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportEqualsDeclaration: (node) => check(node.moduleReference?.expression),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node.arguments[0]);
      },
    };
  },
};

export default { rules: { imports: rule } };
