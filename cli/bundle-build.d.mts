/** Types of cli/bundle-build.mjs (plain JavaScript: it runs before anything compiles TypeScript). */
export interface BuildRecord {
  /** The bundle's entry, relative to the cache directory. */
  entry: string;
  /** When the build started, in ms since the epoch. */
  builtAt: number;
  /** The project sources the bundle was built from, relative to the repository. */
  inputs: string[];
}
export interface BuildLocation {
  root?: string;
  cacheDir?: string;
}
export const REPO_ROOT: string;
export const CACHE_DIR: string;
export function isFresh(record: BuildRecord, root?: string): boolean;
export function freshBuild(location?: BuildLocation): string | null;
export function buildCli(location?: BuildLocation): Promise<string>;
