/**
 * `npm run bench`: every benchmark in this folder, one after another (never in parallel, so they
 * do not share the two cores), printing its figures. `npm run bench -- cloud` runs one by name.
 */
import { consoleReporter, type Reporter } from './report';

interface Bench {
  name: string;
  title: string;
  load(): Promise<{ run(report: Reporter): Promise<void> }>;
}

const BENCHES: Bench[] = [
  { name: 'cloud', title: 'Local cloud and login', load: () => import('./cloud') },
  { name: 'project', title: 'cloudbase-local on a project, and under load', load: () => import('./project') },
  { name: 'preview', title: 'Browser preview', load: () => import('./preview') },
  { name: 'todos', title: 'Todos and reminders', load: () => import('./todos') },
  { name: 'reminders', title: 'Reminders on the second', load: () => import('./reminders') },
  { name: 'chat', title: 'Chat, server side', load: () => import('./chat') },
  { name: 'chat-page', title: 'Chat, in the page (Chromium)', load: () => import('./chat-page') },
  { name: 'realtime', title: 'Realtime watch()', load: () => import('./realtime') },
  { name: 'oa', title: 'Official Account bridge', load: () => import('./oa') },
  { name: 'planner', title: 'Planner: quick add and repeats', load: () => import('./planner') },
  { name: 'trust', title: 'Trust: malformed documents and idempotent writes', load: () => import('./trust') },
  { name: 'inspector', title: "The inspector's Problems scan", load: () => import('./inspector') },
];

async function main(): Promise<void> {
  process.env.TZ = 'Asia/Shanghai';
  const only = process.argv.slice(2);
  const selected = only.length ? BENCHES.filter((b) => only.includes(b.name)) : BENCHES;
  if (selected.length === 0)
    throw new Error(`no benchmark named ${only.join(', ')}; have ${BENCHES.map((b) => b.name).join(', ')}`);
  const report = consoleReporter();
  for (const bench of selected) {
    console.log(`\n${bench.title} (${bench.name})`);
    await (await bench.load()).run(report);
  }
}

main().then(
  // miniprogram-ci (the chat-page bench's size figure) keeps a compiler process alive: end it too.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
