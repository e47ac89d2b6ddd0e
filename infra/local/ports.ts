/**
 * `npm start` takes `PORT` and the three ports after it (S3, DynamoDB, SES). Whatever starts a whole stack
 * as a process (the bench, the tests that run `npm start`) needs such a block free; the in-process stacks
 * take free ports from the system instead.
 */
import { createServer } from 'node:net';

/** The ports one `npm start` listens on: the page and API, then its three emulators. */
export const STACK_PORT_COUNT = 4;

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A base port whose next three neighbours are free too, picked at random above the well-known ports. */
export async function freeStackPorts(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const checks = await Promise.all(Array.from({ length: STACK_PORT_COUNT }, (_, offset) => isFree(base + offset)));
    if (checks.every(Boolean)) return base;
  }
  throw new Error(`no ${STACK_PORT_COUNT} free ports in a row`);
}
