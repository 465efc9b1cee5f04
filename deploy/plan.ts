/**
 * What a deploy does: the environment described by cloudbaserc.json compared with what CloudBase
 * has, as a list of steps. Pure: the remote side arrives as data, so the plan is the same whether
 * it was read from CloudBase or is the empty environment a dry run assumes.
 */
import type { CloudConfig, CollectionSpec, FunctionSpec, IndexSpec, TimerTrigger } from './config';
import { functionEnvironment } from './env';

type Rules = CollectionSpec['rules'];

export interface RemoteFunction {
  runtime: string;
  timeout: number;
  memorySize: number;
  installDependency: boolean;
  envVariables: Record<string, string>;
  triggers: TimerTrigger[];
}

export interface RemoteState {
  functions: Record<string, RemoteFunction>;
  /** HTTP access path -> the function it reaches. */
  paths: Record<string, string>;
  collections: Record<string, { indexes: IndexSpec[]; rules?: Rules }>;
}

export const EMPTY_ENVIRONMENT: RemoteState = { functions: {}, paths: {}, collections: {} };

/** A function as deployed: its spec with the environment values it gets. */
export interface DeployFunction {
  spec: FunctionSpec;
  env: Record<string, string>;
  unset: string[];
}

export type Step =
  | { kind: 'function.create'; fn: DeployFunction }
  | { kind: 'function.config'; fn: DeployFunction; changes: string[] }
  | { kind: 'function.code'; fn: DeployFunction }
  | { kind: 'trigger.delete'; fn: string; trigger: string }
  | { kind: 'trigger.create'; fn: string; trigger: TimerTrigger }
  | { kind: 'path.create'; fn: string; path: string }
  | { kind: 'collection.create'; collection: string }
  | { kind: 'index.drop'; collection: string; index: string }
  | { kind: 'index.create'; collection: string; index: IndexSpec }
  | { kind: 'rules.set'; collection: string; rules: Rules };

export interface Plan {
  steps: Step[];
  /** Differences the deploy cannot settle; it refuses to run while there are any. */
  problems: string[];
  /** What is on CloudBase but not in the file; left alone. */
  notes: string[];
}

const sameKeys = (a: Record<string, 1 | -1>, b: Record<string, 1 | -1>): boolean =>
  JSON.stringify(Object.entries(a)) === JSON.stringify(Object.entries(b));

function configChanges(fn: DeployFunction, remote: RemoteFunction, notes: string[]): string[] {
  const { spec } = fn;
  const changes: string[] = [];
  if (remote.timeout !== spec.timeout) changes.push(`timeout ${remote.timeout} s -> ${spec.timeout} s`);
  if (remote.memorySize !== spec.memorySize) changes.push(`memory ${remote.memorySize} MB -> ${spec.memorySize} MB`);
  if (remote.installDependency !== spec.installDependency) {
    changes.push(`installDependency ${remote.installDependency} -> ${spec.installDependency}`);
  }
  // Values are compared but never printed: some are secrets.
  const names = new Set([...Object.keys(remote.envVariables), ...Object.keys(fn.env)]);
  const env: string[] = [];
  for (const name of [...names].sort()) {
    if (!(name in fn.env)) env.push(`-${name}`);
    else if (!(name in remote.envVariables)) env.push(`+${name}`);
    else if (remote.envVariables[name] !== fn.env[name]) env.push(`~${name}`);
  }
  if (env.length && Object.keys(fn.env).length === 0) {
    // The API replaces variables only with a non-empty set.
    notes.push(`function ${spec.name}: variables ${env.join(' ')} stay on CloudBase; remove them in the console`);
  } else if (env.length) changes.push(`env ${env.join(' ')}`);
  return changes;
}

function planFunction(fn: DeployFunction, remote: RemoteState, plan: Plan): void {
  const { spec } = fn;
  const current = remote.functions[spec.name];
  if (!current) {
    // Creating a function also creates its triggers and its HTTP path (manager-node's createFunction).
    plan.steps.push({ kind: 'function.create', fn });
    return;
  }
  if (current.runtime !== spec.runtime) {
    plan.problems.push(
      `function ${spec.name}: runtime is ${current.runtime} on CloudBase and ${spec.runtime} here; ` +
        'a runtime is fixed when a function is created (delete it in the console, or keep the old runtime)',
    );
  }
  const changes = configChanges(fn, current, plan.notes);
  if (changes.length) plan.steps.push({ kind: 'function.config', fn, changes });
  plan.steps.push({ kind: 'function.code', fn });
  for (const trigger of current.triggers) {
    const wanted = spec.triggers.find((t) => t.name === trigger.name);
    if (!wanted || wanted.config !== trigger.config) {
      plan.steps.push({ kind: 'trigger.delete', fn: spec.name, trigger: trigger.name });
    }
  }
  for (const trigger of spec.triggers) {
    if (!current.triggers.some((t) => t.name === trigger.name && t.config === trigger.config)) {
      plan.steps.push({ kind: 'trigger.create', fn: spec.name, trigger });
    }
  }
  if (spec.path === undefined) return;
  const owner = remote.paths[spec.path];
  if (owner === undefined) plan.steps.push({ kind: 'path.create', fn: spec.name, path: spec.path });
  else if (owner !== spec.name) {
    plan.problems.push(
      `HTTP path ${spec.path} reaches ${owner} on CloudBase, not ${spec.name}; delete that route first`,
    );
  }
}

function planCollection(name: string, spec: CollectionSpec, remote: RemoteState, plan: Plan): void {
  const current = remote.collections[name];
  if (!current) plan.steps.push({ kind: 'collection.create', collection: name });
  for (const index of spec.indexes) {
    const existing = current?.indexes.find((i) => i.name === index.name);
    if (existing && sameKeys(existing.keys, index.keys) && !!existing.unique === !!index.unique) continue;
    if (existing) plan.steps.push({ kind: 'index.drop', collection: name, index: index.name });
    plan.steps.push({ kind: 'index.create', collection: name, index });
  }
  for (const index of current?.indexes ?? []) {
    // _id_ is CloudBase's own; other indexes may be someone's manual work, so they stay.
    if (index.name !== '_id_' && !spec.indexes.some((i) => i.name === index.name)) {
      plan.notes.push(`collection ${name}: index ${index.name} is not in the file; left alone`);
    }
  }
  if (!current?.rules || JSON.stringify(current.rules) !== JSON.stringify(spec.rules)) {
    plan.steps.push({ kind: 'rules.set', collection: name, rules: spec.rules });
  }
}

export function deployFunctions(config: CloudConfig, values: Record<string, string>): DeployFunction[] {
  return config.functions.map((spec) => {
    const { set, unset } = functionEnvironment(spec, values);
    return { spec, env: set, unset };
  });
}

/** The steps that make CloudBase match the file: create what is missing, update what differs. */
export function planDeploy(config: CloudConfig, values: Record<string, string>, remote: RemoteState): Plan {
  const plan: Plan = { steps: [], problems: [], notes: [] };
  for (const fn of deployFunctions(config, values)) planFunction(fn, remote, plan);
  for (const name of Object.keys(remote.functions)) {
    if (!config.functions.some((fn) => fn.name === name)) {
      plan.notes.push(`function ${name} is on CloudBase but not in the file; left alone`);
    }
  }
  for (const [name, spec] of Object.entries(config.collections)) planCollection(name, spec, remote, plan);
  return plan;
}
