/**
 * cdk-nag's AwsSolutions pack over the whole stack: no finding may stand without an acknowledgement, and
 * every acknowledgement must carry a real reason. The same pack runs as a validation plugin on every
 * `cdk synth` (see buildIntakeApp); here it runs directly so a failure lists the findings.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildIntakeStack } from './fixtures/synth.js';

function findings(scope: Parameters<AwsSolutionsChecks['validateScope']>[0]): string[] {
  return new AwsSolutionsChecks().validateScope(scope).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
  );
}

describe('cdk-nag AwsSolutions checks', () => {
  it('leave no unacknowledged finding on the stack', () => {
    const { stack } = buildIntakeStack();
    expect(findings(stack)).toEqual([]);
  });

  it('still catch a finding (the check is live, not silenced): an unencrypted, unlogged bucket fails', () => {
    const { stack } = buildIntakeStack({
      extend: (target) => {
        new Bucket(target, 'CarelessBucket', { removalPolicy: RemovalPolicy.DESTROY });
      },
    });
    expect(findings(stack)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^AwsSolutions-S1 at .*CarelessBucket/), expect.stringMatching(/^AwsSolutions-S10 at .*CarelessBucket/)]),
    );
  });

  it('run on every synth (with CDK\'s default rules): a clean stack synthesizes, a finding stops the synth', () => {
    expect(() => buildIntakeStack({ defaultRules: true }).app.synth()).not.toThrow();
    const careless = buildIntakeStack({
      extend: (target) => {
        new Bucket(target, 'CarelessBucket', { removalPolicy: RemovalPolicy.DESTROY });
      },
    });
    expect(() => careless.app.synth()).toThrow(/AwsSolutions-S1/);
  });

  it('acknowledge each finding next to its construct, with a reason a reviewer can check', () => {
    const { stack } = buildIntakeStack();
    const acknowledgements = stack.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) => Object.entries(entry.data as Record<string, string>).map(([rule, reason]) => ({ path: construct.node.path, rule, reason }))),
      );
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { path, rule, reason } of acknowledgements) {
      expect(rule, path).toMatch(/AwsSolutions-[A-Z]+\d+/);
      // A reason is a sentence about this resource, not "ok" or "not needed".
      expect(reason.length, `${rule} at ${path}`).toBeGreaterThanOrEqual(60);
      // Never acknowledged for the whole stack: each one sits on the construct it is about.
      expect(path, rule).not.toBe(stack.node.path);
    }
  });
});
