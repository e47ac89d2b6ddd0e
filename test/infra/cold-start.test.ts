/**
 * Source maps cost every cold start (Node parses the whole map when `--enable-source-maps` is on), so the
 * functions ship without them unless the deployer asks: `-c motcua:sourceMaps=true`.
 */
import { describe, expect, it } from 'vitest';
import { SOURCE_MAPS_CONTEXT } from '../../infra/constructs/intake-function.js';
import { logicalIdOf, synthIntakeStack } from './fixtures/synth.js';

/** NODE_OPTIONS of the api and process-upload functions in the synthesized template. */
function nodeOptionsOf(context: Record<string, unknown>): unknown[] {
  const { stack, template } = synthIntakeStack({ context });
  const functions = template.findResources('AWS::Lambda::Function');
  return [stack.apiFunction, stack.processUploadFunction].map((fn) => {
    const properties = functions[logicalIdOf(fn.function)]?.Properties as { Environment?: { Variables?: Record<string, unknown> } };
    return properties.Environment?.Variables?.NODE_OPTIONS;
  });
}

describe('source maps at run time', () => {
  it.each([
    ['not set', false, {}],
    ['false', false, { [SOURCE_MAPS_CONTEXT]: false }],
    ['"false" (from -c)', false, { [SOURCE_MAPS_CONTEXT]: 'false' }],
    ['true', true, { [SOURCE_MAPS_CONTEXT]: true }],
    ['"true" (from -c)', true, { [SOURCE_MAPS_CONTEXT]: 'true' }],
  ])('motcua:sourceMaps %s: functions run with --enable-source-maps: %s', (_label, expected, context) => {
    expect(nodeOptionsOf(context)).toEqual(expected ? ['--enable-source-maps', '--enable-source-maps'] : [undefined, undefined]);
  });
});
