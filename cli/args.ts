import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InputError } from '../shared/errors.js';

/** `node:util` parseArgs (strict by default), with a bad option turned into a misuse (exit 2) that shows the usage. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new InputError(`Tham số không hợp lệ.\n${usage}`, { cause: error });
  }
}
