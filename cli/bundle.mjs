/**
 * `npm run cli -- …`: runs the bundled admin CLI (cli/bundle-build.mjs), rebuilding it first when any
 * source changed. The bundle reads the same `process.argv` and sets the same exit code as `tsx cli/main.ts`.
 */
import { buildCli, freshBuild } from './bundle-build.mjs';

await import(freshBuild() ?? (await buildCli()));
