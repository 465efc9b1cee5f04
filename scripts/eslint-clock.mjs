// One clock: the app shows and picks times by one rule, written once (shared/time.ts: the user's
// own zone, named for the server, the phone's for the mini-program). Anywhere else, this rule
// refuses what converts between an instant and a wall clock by hand: an 8-hour offset (in ms or s),
// a "+08:00" written out, and Date's local-time methods, which answer in whatever zone the process
// or the phone is in (CloudBase runs functions in UTC); the clock module's device path is the one
// place the mini-program calls them.
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The clock modules, where converting is the point. */
export const CLOCKS = ['shared/time.ts', 'packages/cloudbase-local/src/clock.ts'];

const EIGHT_HOURS = new Set([8 * 3600 * 1000, 8 * 3600]);
const OFFSET_TEXT = /[+]0?8:?00\b|\b(?:GMT|UTC)\+0?8\b/;
// A whole example instant in a message or a prompt ("e.g. 2026-05-01T09:00:00+08:00") shows a format; it converts nothing.
const EXAMPLE = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?[+]08:00/g;
const LOCAL_TIME_METHODS = new Set([
  'getTimezoneOffset',
  'getFullYear',
  'getMonth',
  'getDate',
  'getDay',
  'getHours',
  'getMinutes',
  'getSeconds',
  'setFullYear',
  'setMonth',
  'setDate',
  'setHours',
  'setMinutes',
  'toLocaleDateString',
  'toLocaleTimeString',
  'toLocaleString',
]);

/** The value of a product of numeric literals (`-8 * 3600_000`), or undefined for anything else. */
function constantProduct(node) {
  if (node.type === 'Literal' && typeof node.value === 'number') return node.value;
  if (node.type === 'UnaryExpression' && node.operator === '-') {
    const value = constantProduct(node.argument);
    return value === undefined ? undefined : -value;
  }
  if (node.type === 'BinaryExpression' && node.operator === '*') {
    const left = constantProduct(node.left);
    const right = constantProduct(node.right);
    return left === undefined || right === undefined ? undefined : left * right;
  }
  return undefined;
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Refuses time-zone arithmetic outside the clock modules' },
    messages: {
      offset: 'An 8-hour offset written by hand: convert with the clock module ({{clocks}}) instead.',
      text: 'A UTC+8 offset written out ("{{text}}"): format with the clock module ({{clocks}}) instead.',
      local: "Date's {{method}}() answers in the process's or phone's own zone: use the clock module ({{clocks}}).",
    },
    schema: [],
  },
  create(context) {
    const file = relative(ROOT, context.filename).split(sep).join('/');
    if (CLOCKS.includes(file) || file === 'scripts/eslint-clock.mjs') return {};
    // The local cloud package has its own clock; everything else has the app's.
    const clocks = CLOCKS.find((clock) => clock.split('/src/')[0] === file.split('/src/')[0]) ?? CLOCKS[0];
    const checkText = (node, text) => {
      const found = OFFSET_TEXT.exec(text.replace(EXAMPLE, ''));
      if (found) context.report({ node, messageId: 'text', data: { text: found[0], clocks } });
    };
    return {
      BinaryExpression(node) {
        // Only the outermost product is judged, so `8 * 3600 * 1000` is reported once.
        if (node.parent?.type === 'BinaryExpression' && node.parent.operator === '*') return;
        const value = constantProduct(node);
        if (value !== undefined && EIGHT_HOURS.has(Math.abs(value))) {
          context.report({ node, messageId: 'offset', data: { clocks } });
        }
      },
      Literal(node) {
        if (typeof node.value === 'number' && node.parent?.type !== 'BinaryExpression' && EIGHT_HOURS.has(node.value)) {
          context.report({ node, messageId: 'offset', data: { clocks } });
        }
        if (typeof node.value === 'string') checkText(node, node.value);
      },
      TemplateElement(node) {
        checkText(node, node.value.cooked ?? node.value.raw);
      },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return;
        if (LOCAL_TIME_METHODS.has(callee.property.name)) {
          context.report({ node, messageId: 'local', data: { method: callee.property.name, clocks } });
        }
      },
    };
  },
};

export default { rules: { 'one-clock': rule } };
