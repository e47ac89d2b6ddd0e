/** The report's dependencies, taken from the pipeline's (one set of clients and stores per process). */
import type { PipelineDeps } from '../pipeline/deps.js';
import { createReportStore } from '../store/reports.js';
import type { ReportConfig } from './config.js';
import type { ReportDeps } from './run.js';

export function reportDepsFrom(deps: PipelineDeps, config: ReportConfig): ReportDeps {
  const { store, results, grants } = deps;
  return {
    source: {
      listRosterPointers: () => store.listRosterPointers(),
      listVersionOfficials: (unit, versionId) => store.listVersionOfficials(unit, versionId),
      listGrants: () => grants.listGrants(),
      listResultsPointers: (period) => results.listResultsPointers(period),
      listResultsEntries: (period, scope, versionId) => results.listResultsEntries(period, scope, versionId),
    },
    reports: createReportStore({ doc: deps.clients.doc, tableName: deps.config.tableName }),
    ses: deps.clients.ses,
    s3: deps.clients.s3,
    bucketName: deps.config.bucketName,
    rosterDeadline: deps.config.rosterDeadline,
    config,
    logger: deps.logger,
    now: deps.now,
  };
}
