/**
 * dynalite on its own thread. It serves DynamoDB's HTTP API from the event loop it runs on, and for each item
 * written it validates, reads the old item and writes LevelDB in JavaScript: on the stack's thread that cost
 * (~60% of a 20,000-row upload's CPU, measured with --cpu-prof; docs/PERFORMANCE.md) competed with the API,
 * the validator and the SDK's own marshalling for one core. In a worker_threads Worker it has its own event
 * loop and the machine's second core; the functions still reach it over HTTP through the real SDK, as before.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface DynamoDbThreadOptions {
  host: string;
  /** 0 for a free one. */
  port: number;
  /** LevelDB directory; in memory when absent. */
  path?: string;
}

export interface DynamoDbThread {
  port: number;
  /** Closes the server and its database, then ends the thread. */
  close(): Promise<void>;
}

/** Messages from the thread: listening, or why not. */
type FromThread = { kind: 'listening'; port: number } | { kind: 'failed'; name: string; code: string | undefined; message: string } | { kind: 'closed' };

/**
 * The thread's code. A string evaluated as CommonJS rather than a module file: the stack also runs under
 * vitest and tsx, whose TypeScript loaders a Worker started from a `.ts` file would not have. It requires
 * dynalite by the path this module resolves, so it finds the same copy wherever the process was started.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const dynalite = require(workerData.dynalitePath);
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(workerData.path ? { path: workerData.path } : {}) });
server.once('error', (error) => {
  parentPort.postMessage({ kind: 'failed', name: error.name, code: error.code, message: error.message });
  parentPort.close();
});
server.listen(workerData.port, workerData.host, () => {
  server.removeAllListeners('error');
  parentPort.postMessage({ kind: 'listening', port: server.address().port });
});
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  server.close(() => {
    parentPort.postMessage({ kind: 'closed' });
    parentPort.close();
  });
  server.closeAllConnections();
});
`;

/** Starts dynalite on its own thread; rejects (with the listen error's `code`, e.g. EADDRINUSE) if it cannot listen. */
export function startDynamoDbThread(options: DynamoDbThreadOptions): Promise<DynamoDbThread> {
  const worker = new Worker(THREAD_SOURCE, {
    eval: true,
    workerData: { ...options, dynalitePath: createRequire(import.meta.url).resolve('dynalite') },
  });
  let exited = false;
  const hasExited = new Promise<void>((resolve) =>
    worker.on('exit', () => {
      exited = true;
      resolve();
    }),
  );
  let closing: Promise<void> | undefined;
  const close = () => {
    if (exited) return Promise.resolve();
    closing ??= new Promise<void>((resolve) => {
      void hasExited.then(resolve);
      worker.on('message', (message: FromThread) => {
        if (message.kind === 'closed') void worker.terminate();
      });
      worker.postMessage('close');
    });
    return closing;
  };
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => {
      void worker.terminate();
      reject(error);
    };
    worker.once('error', failed);
    const exitedEarly = (code: number) => reject(new Error(`dynalite thread exited (${code}) before listening`));
    worker.once('exit', exitedEarly);
    worker.once('message', (message: FromThread) => {
      if (message.kind === 'listening') {
        worker.off('exit', exitedEarly);
        resolve({ port: message.port, close });
        return;
      }
      if (message.kind === 'failed') failed(Object.assign(new Error(message.message), { name: message.name, code: message.code }));
    });
  });
}
