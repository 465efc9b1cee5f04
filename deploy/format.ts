/** The plan as people read it: every function, trigger, path, collection, index and rule. */
import { existsSync, readdirSync } from 'node:fs';
import { relative } from 'node:path';
import type { CollectionSpec, FunctionSpec, IndexSpec, TimerTrigger } from './config';
import type { DeployFunction, Plan, Step } from './plan';

const rule = (value: string | boolean): string => (typeof value === 'string' ? `"${value}"` : String(value));
export const formatRules = (rules: CollectionSpec['rules']): string =>
  `read ${rule(rules.read)}, write ${rule(rules.write)}`;
export const formatIndex = (index: IndexSpec): string =>
  `${index.name} { ${Object.entries(index.keys)
    .map(([field, dir]) => `${field}: ${dir}`)
    .join(', ')} }${index.unique ? ' unique' : ''}`;
const formatTrigger = (t: TimerTrigger): string => `${t.name} (timer "${t.config}", Asia/Shanghai)`;

/** The files the package holds: the folder less the `ignore` entries (names and name/**). */
export function packageFiles(spec: FunctionSpec): string[] {
  if (!existsSync(spec.dir)) return [];
  const ignored = new Set(spec.ignore.map((pattern) => pattern.replace(/\/\*\*\/\*$/, '')));
  return readdirSync(spec.dir)
    .filter((name) => !ignored.has(name))
    .sort();
}

function functionLines({ spec, env, unset }: DeployFunction, root: string): string[] {
  const vars = spec.envVariables.map((name) => `${name} (${name in env ? 'set' : 'unset'})`);
  const files = packageFiles(spec);
  return [
    `runtime ${spec.runtime}, handler ${spec.handler}, timeout ${spec.timeout} s, memory ${spec.memorySize} MB, ` +
      `dependencies ${spec.installDependency ? 'installed in the cloud' : 'uploaded'}`,
    `env ${vars.length ? vars.join(', ') : 'none'}`,
    `open API ${spec.openapi.length ? spec.openapi.join(', ') : 'none'} (config.json)`,
    `triggers ${spec.triggers.length ? spec.triggers.map(formatTrigger).join('; ') : 'none'}`,
    `HTTP path ${spec.path ?? 'none'}`,
    `code ${relative(root, spec.dir)}/ (${files.join(', ')})${files.includes('index.js') ? '' : ', index.js missing: npm run build'}`,
    ...(unset.length ? [`note: ${unset.join(', ')} unset: the function runs without them`] : []),
  ];
}

function stepLines(step: Step, root: string): string[] {
  const indent = (lines: string[]): string[] => lines.map((line) => `      ${line}`);
  switch (step.kind) {
    case 'function.create':
      return [`  + function ${step.fn.spec.name}`, ...indent(functionLines(step.fn, root))];
    case 'function.config':
      return [`  ~ function ${step.fn.spec.name} configuration: ${step.changes.join('; ')}`];
    case 'function.code':
      return [`  ~ function ${step.fn.spec.name} code`, ...indent(functionLines(step.fn, root))];
    case 'trigger.delete':
      return [`  - trigger ${step.fn}/${step.trigger}`];
    case 'trigger.create':
      return [`  + trigger ${step.fn}/${formatTrigger(step.trigger)}`];
    case 'path.create':
      return [`  + HTTP path ${step.path} -> ${step.fn}`];
    case 'collection.create':
      return [`  + collection ${step.collection}`];
    case 'index.drop':
      return [`  - index ${step.collection}.${step.index} (its keys changed)`];
    case 'index.create':
      return [`  + index ${step.collection}.${formatIndex(step.index)}`];
    case 'rules.set':
      return [`  ~ rules ${step.collection}: ${formatRules(step.rules)}`];
  }
}

export function formatPlan(plan: Plan, root: string): string[] {
  const lines = plan.steps.length ? plan.steps.flatMap((step) => stepLines(step, root)) : ['  nothing to do'];
  for (const note of plan.notes) lines.push(`  note: ${note}`);
  for (const problem of plan.problems) lines.push(`  PROBLEM: ${problem}`);
  return lines;
}
