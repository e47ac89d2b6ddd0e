/**
 * Everything the process writes to stdout and stderr while a test file runs (still written through), so a
 * test can check what the stack logs: that a refusal says why, that no ID or phone number reaches a log.
 */
import { afterAll, beforeAll, vi } from 'vitest';

/** Registers the capture for the calling test file; the returned list fills as output is written. */
export function captureOutput(): string[] {
  const captured: string[] = [];
  beforeAll(() => {
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
        captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return (write as (chunk: string | Uint8Array, ...args: unknown[]) => boolean)(chunk, ...rest);
      });
    }
  });
  afterAll(() => {
    vi.restoreAllMocks();
  });
  return captured;
}
