/**
 * cloudbase-local on a project it has never seen, and under concurrent load: the time from
 * `cloudbase-local --project DIR` to serving, the first time (each function's dependencies
 * installed from the registry; npm's own download cache may be warm) and later (installed), on a
 * copy of the fixture project shaped like public multi-function projects; then 50 invocations
 * that each wait 2 s on I/O, started at once: wall time, workers and peak memory.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalCloud } from 'cloudbase-local';
import { percentile, timed, type Reporter } from './report';

const ROOT = join(__dirname, '..');
const BIN = join(ROOT, 'packages', 'cloudbase-local', 'bin', 'cloudbase-local.js');
const PROJECT = join(ROOT, 'test', 'fixtures', 'emulator', 'projects', 'planner');
const FUNCTIONS = join(ROOT, 'test', 'fixtures', 'emulator', 'functions');

/** Runs the command until it serves, then stops it; resolves the milliseconds until it served. */
function serve(project: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [BIN, '--project', project, '--port', '0', '--in-memory'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let served: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (served !== undefined || !/^Ctrl-C stops\./m.test(output)) return;
      served = Number(process.hrtime.bigint() - started) / 1e6;
      child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('close', (code) => {
      if (served !== undefined) resolve(served);
      else reject(new Error(`cloudbase-local exited (${code}) before serving:\n${output}`));
    });
  });
}

async function coldStarts(report: Reporter): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-project-'));
  try {
    const project = join(dir, 'planner');
    cpSync(PROJECT, project, { recursive: true });
    report.figure('--project, first start (dependencies installed)', await serve(project), 'ms');
    const later: number[] = [];
    for (let i = 0; i < 3; i++) later.push(await serve(project));
    report.figure(
      '--project, later starts (median of 3)',
      percentile(
        [...later].sort((a, b) => a - b),
        50,
      ),
      'ms',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function concurrentWaits(report: Reporter): Promise<void> {
  const cloud = await startLocalCloud({ port: 0, quiet: true, functionsDir: FUNCTIONS, databaseDir: false });
  try {
    await cloud.functions.invoke('wait', { ms: 0 });
    let peakHost = process.memoryUsage.rss();
    const sampler = setInterval(() => (peakHost = Math.max(peakHost, process.memoryUsage.rss())), 50);
    const wall = await timed(async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) => cloud.functions.invoke('wait', { ms: 2000 }, { openid: `o-${i}` })),
      );
      if (!outcomes.every((outcome) => outcome.ok)) throw new Error('an invocation failed');
    });
    clearInterval(sampler);
    const memory = cloud.functions.memory();
    report.figure('50 invocations waiting 2 s each, started at once: wall time', wall, 'ms');
    report.figure('  worker processes', memory.processes, '');
    report.figure('  peak RSS of the workers', memory.peakRssBytes / 1048576, 'MB');
    report.figure('  peak RSS of the local cloud process', peakHost / 1048576, 'MB');
  } finally {
    await cloud.close();
  }
}

export async function run(report: Reporter): Promise<void> {
  await coldStarts(report);
  await concurrentWaits(report);
}
