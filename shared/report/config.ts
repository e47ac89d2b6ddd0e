/**
 * The report's settings, read from the environment with zod (beside the functions' shared config, which
 * gives the table, bucket and roster deadline):
 *
 * | variable            | meaning                                                         | default                           |
 * | ------------------- | --------------------------------------------------------------- | --------------------------------- |
 * | `REPORT_SENDER`     | the address the report is sent from (an SES identity on AWS)    | bao-cao@ttpvhcc.binhdinh.gov.vn   |
 * | `REPORT_RECIPIENTS` | comma-separated addresses (set but empty: nobody, an error)     | lanh-dao@binhdinh.gov.vn          |
 * | `GRANTS_DEADLINE`   | last day for the portal permissions, ISO date (Vietnam)         | 2021-06-30                        |
 * | `RESULTS_DUE_DAY`   | a month's results are due by this day of the following month    | 5                                 |
 *
 * The defaults work on the embedded stack, whose SES emulator accepts any address; on AWS the stack sets
 * the first two from `motcua:reportSender` and `motcua:reportRecipients`.
 */
import * as z from 'zod';
import { ConfigError } from '../errors.js';
import { DEFAULT_GRANTS_DEADLINE, DEFAULT_RESULTS_DAY } from './model.js';

export const DEFAULT_REPORT_SENDER = 'bao-cao@ttpvhcc.binhdinh.gov.vn';
export const DEFAULT_REPORT_RECIPIENTS = ['lanh-dao@binhdinh.gov.vn'] as const;

const addressList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((address) => address.trim())
      .filter((address) => address.length > 0),
  )
  .pipe(z.array(z.email()));

const reportEnvSchema = z.object({
  REPORT_SENDER: z.email().default(DEFAULT_REPORT_SENDER),
  REPORT_RECIPIENTS: addressList.default([...DEFAULT_REPORT_RECIPIENTS]),
  GRANTS_DEADLINE: z.iso.date().default(DEFAULT_GRANTS_DEADLINE),
  RESULTS_DUE_DAY: z.coerce.number().int().min(1).max(31).default(DEFAULT_RESULTS_DAY),
});

export interface ReportConfig {
  sender: string;
  recipients: string[];
  grantsDeadline: string;
  resultsDueDay: number;
}

export function loadReportConfig(env: NodeJS.ProcessEnv = process.env): ReportConfig {
  const parsed = reportEnvSchema.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
    throw new ConfigError(`invalid report environment variables: ${names}`);
  }
  return {
    sender: parsed.data.REPORT_SENDER,
    recipients: parsed.data.REPORT_RECIPIENTS,
    grantsDeadline: parsed.data.GRANTS_DEADLINE,
    resultsDueDay: parsed.data.RESULTS_DUE_DAY,
  };
}
