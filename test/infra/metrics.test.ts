/**
 * Failures that nobody would see: an upload that fails for good is recorded `failed` and not retried, so no
 * dead-letter queue ever holds it. process-upload counts accepted, rejected and failed uploads as CloudWatch
 * metrics (Powertools, embedded metric format), per form, and the AWS app alarms on the failed ones.
 */
import { readFile } from 'node:fs/promises';
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createProcessUploadHandler, type ProcessUploadHandler } from '../../functions/process-upload/app.js';
import { PROCESS_UPLOAD_SERVICE, UPLOAD_METRICS, uploadMetricsNamespace } from '../../functions/process-upload/metrics.js';
import type { IntakeStack } from '../../infra/intake-stack.js';
import { api, type PresignedPost, postToS3, tokenOf, useLocalStack, XLSX_TYPE } from '../support/local-stack.js';
import { SAMPLES } from '../support/samples.js';
import { logicalIdOf, synthIntakeStack } from './fixtures/synth.js';

// ── Emission, over the embedded stack ─────────────────────────────────────────────────────────────────

const stack = useLocalStack({ processEvents: false });
const NAMESPACE = 'MotcuaIntake/Test';

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

/** Runs `work` and returns the embedded-metric lines it printed on stdout. */
async function emfPrintedBy(work: () => Promise<unknown>): Promise<EmfLine[]> {
  const printed: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => printed.push(String(chunk)) > 0);
  try {
    await work();
  } finally {
    write.mockRestore();
  }
  return printed
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{') && line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
}

/** The page's side of an upload, stopping once the file is in S3; returns the S3 event it caused. */
async function sendFile(unit: string, path: string, form: 'roster' = 'roster'): Promise<{ event: unknown; key: string }> {
  const token = tokenOf(stack.current.inviteLink(unit, { form }));
  const bytes = new Uint8Array(await readFile(path));
  const created = await api<PresignedPost>(stack.current, '/api/uploads', {
    json: { token, fileName: 'danh sach.xlsx', contentType: XLSX_TYPE, size: bytes.byteLength },
  });
  expect(created.status).toBe(201);
  expect((await postToS3(created.body, bytes, 'danh sach.xlsx')).ok).toBe(true);
  const event = stack.current.events.find((e) => JSON.stringify(e).includes(`/${created.body.uploadId}.`));
  expect(event).toBeDefined();
  const key = created.body.fields.key ?? '';
  return { event, key };
}

let counted: ProcessUploadHandler;
beforeAll(() => {
  counted = createProcessUploadHandler(stack.current.deps, { metrics: new Metrics({ namespace: NAMESPACE, serviceName: PROCESS_UPLOAD_SERVICE }) });
});

describe('process-upload counts its outcomes', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    [UPLOAD_METRICS.accepted, 'an accepted roster', '546', SAMPLES.s01, false],
    [UPLOAD_METRICS.rejected, 'a rejected roster', '544', SAMPLES.s03, false],
    [UPLOAD_METRICS.failed, 'a roster whose file vanished before processing (failed for good, never retried)', '548', SAMPLES.s01, true],
  ])('one %s count for %s, with its form, published at once', async (metric, _label, unit, path, deleteFirst) => {
    const { event, key } = await sendFile(unit, path);
    if (deleteFirst) await stack.current.clients.s3.send(new DeleteObjectCommand({ Bucket: stack.current.bucketName, Key: key }));
    const lines = await emfPrintedBy(() => stack.current.deliver(event, counted));
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line?._aws.CloudWatchMetrics).toEqual([
      { Namespace: NAMESPACE, Dimensions: [['service', 'form']], Metrics: [{ Name: metric, Unit: 'Count' }] },
    ]);
    // Nothing else rides along: no unit, no file name, no upload id, nothing personal.
    const { _aws, ...values } = line ?? ({} as EmfLine);
    expect(values).toEqual({ service: PROCESS_UPLOAD_SERVICE, form: 'roster', [metric]: 1 });
  });

  it('a duplicate delivery of a processed file counts nothing', async () => {
    const { event } = await sendFile('546', SAMPLES.s01);
    expect(await emfPrintedBy(() => stack.current.deliver(event, counted))).toHaveLength(1);
    expect(await emfPrintedBy(() => stack.current.deliver(event, counted))).toEqual([]);
  });

  it('locally (no Metrics given, as the embedded stack runs it) prints no metric line', async () => {
    const { event } = await sendFile('549', SAMPLES.s01);
    expect(await emfPrintedBy(() => stack.current.deliver(event, createProcessUploadHandler(stack.current.deps)))).toEqual([]);
    const status = await api<{ uploads: { status: string }[] }>(stack.current, '/api/uploads', { token: tokenOf(stack.current.inviteLink('549')) });
    expect(status.body.uploads.map((u) => u.status)).not.toContain('pending');
  });
});

// ── The alarm, in the AWS app ─────────────────────────────────────────────────────────────────────────

type Resource = { Type: string; Properties: Record<string, unknown> };

describe('the AWS app alarms on failed uploads', () => {
  let app: IntakeStack;
  let template: Template;
  beforeAll(() => {
    ({ stack: app, template } = synthIntakeStack());
  });

  const alarms = () => Object.entries(template.findResources('AWS::CloudWatch::Alarm')) as [string, Resource][];

  it('process-upload writes its counts in the stack’s own namespace, under its service name', () => {
    const fn = logicalIdOf(app.processUploadFunction.function);
    const variables = (template.toJSON().Resources[fn] as Resource).Properties.Environment as { Variables: Record<string, string> };
    expect(variables.Variables).toMatchObject({
      POWERTOOLS_METRICS_NAMESPACE: uploadMetricsNamespace(app.stackName),
      POWERTOOLS_SERVICE_NAME: PROCESS_UPLOAD_SERVICE,
    });
  });

  it('one alarm adds up UploadsFailed of every form and fires on the first, to the alarm topic', () => {
    const failed = alarms().filter(([, alarm]) => JSON.stringify(alarm.Properties.Metrics ?? []).includes(UPLOAD_METRICS.failed));
    expect(failed).toHaveLength(1);
    const [, alarm] = failed[0] ?? [];
    const topic = logicalIdOf(app.alarms.topic);
    expect(alarm?.Properties).toMatchObject({
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topic }],
    });
    const queries = alarm?.Properties.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] }; Stat: string } }[];
    const summed = queries.find((q) => q.Expression);
    expect(summed?.Expression).toBe('FILL(roster, 0) + FILL(results, 0) + FILL(grants, 0)');
    const perForm = queries.filter((q) => q.MetricStat).map((q) => ({ id: q.Id, ...q.MetricStat }));
    expect(perForm).toEqual(
      ['roster', 'results', 'grants'].map((form) => ({
        id: form,
        Metric: {
          Namespace: uploadMetricsNamespace(app.stackName),
          MetricName: UPLOAD_METRICS.failed,
          Dimensions: expect.arrayContaining([
            { Name: 'service', Value: PROCESS_UPLOAD_SERVICE },
            { Name: 'form', Value: form },
          ]),
        },
        Period: 300,
        Stat: 'Sum',
      })),
    );
  });

  it('keeps the alarm on the upload dead-letter queue', () => {
    const deadLetters = logicalIdOf(app.uploadQueue.deadLetterQueue);
    const onDlq = alarms().filter(([, alarm]) => JSON.stringify(alarm.Properties.Dimensions ?? []).includes(deadLetters));
    expect(onDlq).toHaveLength(1);
    expect(onDlq[0]?.[1].Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
  });
});
