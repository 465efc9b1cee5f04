/**
 * One cloud function instance. Forked by the host (bundled to plain JS by esbuild, so the fork is a
 * bare `node` with no loader), it loads one function and runs one invocation at a time, like a
 * CloudBase instance. argv[2], when present, is a module to preload (wx-server-sdk) so that a spare
 * runner booted ahead of demand only has the function's own code left to load.
 */
import { createRequire } from 'node:module';
import { format, inspect } from 'node:util';
import type { HostMessage, LogLevel, WorkerMessage } from './ipc';

type Main = (event: unknown, context: unknown) => unknown;

let main: Main | undefined;
/** The invocation in flight, or the last one: late async logs land on the run that caused them. */
let current = '';

function send(message: WorkerMessage, then?: () => void): void {
  if (!process.send) return;
  process.send(message, undefined, {}, then ? () => then() : undefined);
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  if (typeof error === 'string') return error;
  return inspect(error, { depth: 4 });
}

// Console output is the function's log (CloudBase shows it per request), so it travels tagged with
// the invocation id instead of going to a shared stdout.
const levels: Array<[keyof Console & ('log' | 'info' | 'warn' | 'error' | 'debug'), LogLevel]> = [
  ['log', 'log'],
  ['info', 'info'],
  ['warn', 'warn'],
  ['error', 'error'],
  ['debug', 'log'],
];
for (const [method, level] of levels) {
  console[method] = (...args: unknown[]): void => {
    send({ t: 'log', id: current, level, text: format(...args), at: Date.now() });
  };
}

process.on('uncaughtException', (error) => {
  // Same as a CloudBase instance: an escaped error kills the instance; the host replaces it.
  send({ t: 'fatal', id: current, message: describe(error) }, () => process.exit(1));
  setTimeout(() => process.exit(1), 500).unref();
});
// The host is gone (killed, crashed, Jest torn down): an orphan instance must not linger.
process.on('disconnect', () => process.exit(0));

function load(message: Extract<HostMessage, { t: 'load' }>): void {
  Object.assign(process.env, message.env);
  try {
    process.chdir(message.dir);
    const exported = createRequire(message.file)(message.file) as { main?: unknown };
    if (typeof exported.main !== 'function') {
      throw new Error(`${message.file} does not export a function named "main"`);
    }
    main = exported.main as Main;
    send({ t: 'loaded' });
  } catch (error) {
    send({ t: 'load-failed', message: describe(error) });
  }
}

async function invoke(message: Extract<HostMessage, { t: 'invoke' }>): Promise<void> {
  current = message.id;
  // Identity is environment in CloudBase (getWXContext reads process.env on every call), so the
  // caller's values are written right before main runs.
  for (const [key, value] of Object.entries(message.env)) {
    if (value === null) delete process.env[key];
    else process.env[key] = value;
  }
  let value: unknown;
  try {
    if (!main) throw new Error('function is not loaded');
    const event: unknown = message.event === undefined ? undefined : JSON.parse(message.event);
    value = await main(event, message.context);
  } catch (error) {
    send({ t: 'done', id: message.id, ok: false, message: describe(error) });
    return;
  }
  let json: string;
  try {
    // What CloudBase hands back is JSON text; a function returning nothing answers null.
    json = JSON.stringify(value) ?? 'null';
  } catch (error) {
    send({ t: 'done', id: message.id, ok: false, message: describe(error) });
    return;
  }
  send({ t: 'done', id: message.id, ok: true, json });
}

process.on('message', (message: HostMessage) => {
  if (message.t === 'load') load(message);
  else void invoke(message);
});

const preload = process.argv[2];
if (preload) {
  try {
    createRequire(preload)(preload);
  } catch {
    // A preload is only a head start; the function's own require reports real problems.
  }
}
