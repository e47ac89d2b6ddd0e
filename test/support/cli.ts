/** Runs an admin CLI command in-process (no npm, no child process) and returns its exit code and what it printed. */
import { vi } from 'vitest';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(command: (args: string[]) => Promise<number>, args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => out.push(String(chunk)) > 0);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => err.push(String(chunk)) > 0);
  try {
    return { code: await command(args), stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}
