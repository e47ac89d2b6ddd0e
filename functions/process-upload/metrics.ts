/**
 * The outcome counts process-upload emits (CloudWatch embedded metric format, through Powertools Metrics)
 * and that the AWS app alarms on: one source for the names, read by the handler and by infra/.
 *
 * A permanent failure (`failed`: a validator bug, a missing object) is recorded and not retried, so no
 * dead-letter queue ever sees it: `UploadsFailed` is what makes it visible. Dimensions: `service` and
 * `form` (the alarm adds the forms up); never a unit, a file name or anything personal.
 */
export const UPLOAD_METRICS = {
  accepted: 'UploadsAccepted',
  rejected: 'UploadsRejected',
  failed: 'UploadsFailed',
} as const;

export type CountedOutcome = keyof typeof UPLOAD_METRICS;

/** The dimension naming the upload's form (roster, results, grants). */
export const FORM_DIMENSION = 'form';

/** The `service` dimension (and log key) of process-upload: fixed, so the alarm and the function agree. */
export const PROCESS_UPLOAD_SERVICE = 'motcua-process-upload';

/**
 * The metric namespace of one stack (`POWERTOOLS_METRICS_NAMESPACE`): per stack, because several provinces'
 * stacks may share an account, and one province's alarm must not fire on another's failures.
 */
export function uploadMetricsNamespace(stackName: string): string {
  return `MotcuaIntake/${stackName}`;
}
