// Entry point of a pool worker: enables TypeScript through tsx, loads the task module, then
// answers each { index, input } message with { index, ok, value | error }.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const mod = await import(workerData.moduleUrl);
const fn = mod[workerData.exportName];
if (typeof fn !== 'function') throw new Error(`${workerData.moduleUrl} has no export ${workerData.exportName}`);
parentPort.on('message', async ({ index, input }) => {
  try {
    const value = await fn(input);
    parentPort.postMessage({ index, ok: true, value });
  } catch (e) {
    parentPort.postMessage({ index, ok: false, error: e instanceof Error ? e.message : String(e) });
  }
});
