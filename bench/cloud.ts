/**
 * Local cloud and login figures: start time (empty and with 10k documents), `login` latency
 * through the local cloud (warm, and cold with and without the spare worker), and the same
 * handler called in-process with the real SDK, as a ratio.
 */
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cloudSdk from 'wx-server-sdk';
import { DATABASE_DIR } from '../dev/app';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from 'cloudbase-local';
import { createLogin } from '../server/login/function';
import { buildFunctions } from '../scripts/build-functions';
import { percentile, timed, type Reporter } from './report';

const ROOT = join(__dirname, '..');
const FUNCTIONS = join(ROOT, 'cloudfunctions');
const base: LocalCloudOptions = { port: 0, quiet: true, functionsDir: FUNCTIONS, databaseDir: DATABASE_DIR };

async function callLogin(cloud: LocalCloud, openid: string): Promise<void> {
  const response = await fetch(`${cloud.url}/functions/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid, 'x-wx-appid': 'wx-bench' },
    body: JSON.stringify({ action: 'login' }),
  });
  const body = (await response.json()) as { result?: { ok?: boolean } };
  if (!body.result?.ok) throw new Error(`login failed: ${JSON.stringify(body)}`);
}

async function startTimes(report: Reporter): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cloud-'));
  try {
    let cloud!: LocalCloud;
    report.figure(
      'start, empty data folder',
      await timed(async () => (cloud = await startLocalCloud({ ...base, dataDir: dir }))),
      'ms',
    );
    const docs = Array.from({ length: 10_000 }, (_, i) => ({
      _openid: `o-${i % 100}`,
      title: `todo ${i}`,
      quadrant: `q${(i % 4) + 1}`,
      done: i % 3 === 0,
      createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
    }));
    for (let i = 0; i < docs.length; i += 1000) await cloud.store.insert('bench_docs', docs.slice(i, i + 1000));
    await cloud.close();
    report.figure(
      'start, 10k documents on disk',
      await timed(async () => (cloud = await startLocalCloud({ ...base, dataDir: dir }))),
      'ms',
    );
    await cloud.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function latencies(report: Reporter, prewarm: boolean): Promise<number[]> {
  const cloud = await startLocalCloud({ ...base, functionsPrewarm: prewarm });
  try {
    const index = join(FUNCTIONS, 'login', 'index.js');
    const cold: number[] = [];
    for (let i = 0; i < 10; i++) {
      // A changed index.js makes the host start a fresh instance, as a deploy does on CloudBase.
      const now = new Date();
      utimesSync(index, now, new Date(now.getTime() + i * 1000 + 1000));
      cold.push(await timed(() => callLogin(cloud, `o-cold-${i}`)));
    }
    // A code change replaces the spare worker too, so both settings pay for loading the SDK here.
    report.latencies(`login cold after a code change, spare worker ${prewarm ? 'on (default)' : 'off'}`, cold);
    if (!prewarm) return [];
    const warm: number[] = [];
    for (let i = 0; i < 20; i++) await callLogin(cloud, 'o-warm');
    for (let i = 0; i < 300; i++) warm.push(await timed(() => callLogin(cloud, `o-warm-${i % 10}`)));
    report.latencies('login warm, POST /functions/login (worker + real SDK)', warm);
    return warm;
  } finally {
    await cloud.close();
  }
}

async function inProcess(report: Reporter): Promise<number[]> {
  const cloud = await startLocalCloud(base);
  try {
    // The same handler with the real SDK in this process: no HTTP hop to a worker, same database calls.
    // What a CloudBase instance has in its environment; without them the SDK logs on every call.
    Object.assign(process.env, {
      TENCENTCLOUD_SECRETID: 'local',
      TENCENTCLOUD_SECRETKEY: 'local',
      TENCENTCLOUD_RUNENV: 'SCF',
      SCF_NAMESPACE: 'local',
      TENCENTCLOUD_REGION: 'ap-shanghai',
    });
    cloudSdk.init({ env: 'local', serviceUrl: cloud.adminUrl } as unknown as Parameters<typeof cloudSdk.init>[0]);
    let openid = '';
    const main = createLogin({
      db: cloudSdk.database(),
      config: {},
      readFile: async (fileID) => (await cloudSdk.downloadFile({ fileID })).fileContent,
      getWXContext: () => ({ OPENID: openid, APPID: 'wx-bench', ENV: 'local' }),
    });
    const samples: number[] = [];
    for (let i = 0; i < 320; i++) {
      openid = `o-inproc-${i % 10}`;
      const ms = await timed(async () => {
        const result = await main({ action: 'login' });
        if (!result.ok) throw new Error(result.message);
      });
      if (i >= 20) samples.push(ms);
    }
    report.latencies('login handler in-process (real SDK, no worker hop)', samples);
    return samples;
  } finally {
    await cloud.close();
  }
}

export async function run(report: Reporter): Promise<void> {
  await buildFunctions(FUNCTIONS, '4.0.2');
  await startTimes(report);
  const warm = await latencies(report, true);
  await latencies(report, false);
  const direct = await inProcess(report);
  const p50 = (xs: number[]) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    );
  report.figure('warm through the local cloud / in-process (p50 ratio)', p50(warm) / p50(direct), 'x');
}
