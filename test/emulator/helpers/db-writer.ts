/**
 * Child process for the SIGKILL durability test: opens the store in DATA_DIR, then writes forever,
 * reporting each write over IPC only after the store acknowledged it. The parent kills it mid-stream.
 */
import { openStore } from '../../../packages/cloudbase-local/src/database/store';

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR;
  if (!dataDir) throw new Error('DATA_DIR is required');
  const store = await openStore({ dataDir });
  process.send?.({ type: 'ready' });
  for (let i = 0; ; i++) {
    if (i % 2 === 0) {
      await store.insert('acks', [{ _id: `doc${i}`, i, at: new Date(1_700_000_000_000 + i) }]);
    } else {
      await store.update('acks', { _id: `doc${i - 1}` }, { $set: { updated: i } });
    }
    process.send?.({ type: 'ack', i });
  }
}

main().catch((error: unknown) => {
  process.send?.({ type: 'error', message: String(error) });
  process.exitCode = 1;
});
