import type { IssueCode, IssueParams } from '../issues.js';

/** What normalizing one field of one row concludes: a value (maybe with warnings) or an error. */
export type FieldResult =
  | { ok: true; value: string; warnings: IssueCode[] }
  | { ok: false; value: string | null; error: IssueCode; params?: IssueParams };
