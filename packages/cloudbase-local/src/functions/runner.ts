/**
 * One cloud function worker. Forked by the host as a bare `node` (the built package ships it as
 * JavaScript; from the sources esbuild bundles it), it loads one function and runs its
 * invocations. Usually one at a time, as a CloudBase instance does; when the host has as many
 * workers as it allows, several at once, each in its own async context so that its caller, its
 * logs and its failures stay its own. argv[2], when present, is a module to preload
 * (wx-server-sdk) so that a spare worker booted ahead of demand only has the function's code left.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { format, inspect } from 'node:util';
import { scopedEnvironment, type Overlay } from './env';
import { answerInnerHosts } from './inner-hosts';
import type { HostMessage, LogLevel, WorkerMessage } from './ipc';

type Main = (event: unknown, context: unknown) => unknown;

interface Invocation {
  id: string;
  env: Overlay;
}

const invocations = new AsyncLocalStorage<Invocation>();
process.env = scopedEnvironment(process.env, invocations);
try {
  answerInnerHosts(new URL((JSON.parse(process.env.TCB_CONTEXT_CNFG ?? '{}') as { URL?: string }).URL ?? ''));
} catch {
  // No local cloud address (a host started without one): the SDKs' own hosts stay as they are.
}

let main: Main | undefined;
/** The invocation last started: output from outside any invocation's context is filed with it. */
let latest = '';

function send(message: WorkerMessage, then?: () => void): void {
  if (!process.send) return;
  process.send(message, undefined, {}, then ? () => then() : undefined);
}

const rss = (): number => process.memoryUsage.rss();

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  if (typeof error === 'string') return error;
  return inspect(error, { depth: 4 });
}

// Console output is the function's log (CloudBase shows it per request), so it travels tagged with
// the invocation it came from instead of going to a shared stdout.
const levels: Array<[keyof Console & ('log' | 'info' | 'warn' | 'error' | 'debug'), LogLevel]> = [
  ['log', 'log'],
  ['info', 'info'],
  ['warn', 'warn'],
  ['error', 'error'],
  ['debug', 'log'],
];
for (const [method, level] of levels) {
  console[method] = (...args: unknown[]): void => {
    send({ t: 'log', id: invocations.getStore()?.id ?? latest, level, text: format(...args), at: Date.now() });
  };
}

/**
 * An escaped error kills a CloudBase instance. Here it fails the invocation it escaped from; the
 * host then sends this worker no more work and ends it once the others are done. An error from
 * outside any invocation ends the worker at once, and every invocation in it.
 */
function fatal(error: unknown): void {
  const culprit = invocations.getStore()?.id;
  if (culprit) {
    send({ t: 'fatal', id: culprit, message: describe(error) });
    return;
  }
  send({ t: 'fatal', id: '', message: describe(error) }, () => process.exit(1));
  setTimeout(() => process.exit(1), 500).unref();
}
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);
// The host is gone (killed, crashed, Jest torn down): an orphan worker must not linger.
process.on('disconnect', () => process.exit(0));

function load(message: Extract<HostMessage, { t: 'load' }>): void {
  Object.assign(process.env, message.env);
  try {
    process.chdir(message.dir);
    const exported = createRequire(message.file)(message.file) as Record<string, unknown>;
    const entry = exported[message.handler];
    if (typeof entry !== 'function') {
      throw new Error(`${message.file} does not export a function named "${message.handler}"`);
    }
    main = entry as Main;
    send({ t: 'loaded', rss: rss() });
  } catch (error) {
    send({ t: 'load-failed', message: describe(error) });
  }
}

async function run(message: Extract<HostMessage, { t: 'invoke' }>): Promise<void> {
  let value: unknown;
  try {
    if (!main) throw new Error('function is not loaded');
    const event: unknown = message.event === undefined ? undefined : JSON.parse(message.event);
    value = await main(event, message.context);
  } catch (error) {
    send({ t: 'done', id: message.id, ok: false, message: describe(error), rss: rss() });
    return;
  }
  let json: string;
  try {
    // What CloudBase hands back is JSON text; a function returning nothing answers null.
    json = JSON.stringify(value) ?? 'null';
  } catch (error) {
    send({ t: 'done', id: message.id, ok: false, message: describe(error), rss: rss() });
    return;
  }
  send({ t: 'done', id: message.id, ok: true, json, rss: rss() });
}

process.on('message', (message: HostMessage) => {
  if (message.t === 'load') {
    load(message);
    return;
  }
  latest = message.id;
  // Identity is environment in CloudBase (getWXContext reads process.env on every call): the
  // caller's values hold for everything this invocation runs, and for nothing else.
  void invocations.run({ id: message.id, env: { ...message.env } }, () => run(message));
});

const preload = process.argv[2];
if (preload) {
  try {
    createRequire(preload)(preload);
  } catch {
    // A preload is only a head start; the function's own require reports real problems.
  }
}
