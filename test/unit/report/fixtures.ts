/**
 * A small province for the report tests, with figures known by hand:
 *
 * - Phù Cát (548): 3 officials (2 at Thị trấn Ngô Mây, 1 at Xã Cát Sơn), roster on 20/6 (on time), all three
 *   granted on 28/6. July: the centre's file counts p1 = 10, p2 = 5; Phù Cát's own return also names p2
 *   (7: the centre's 5 counts) and p3 = 4 (counted). August: the centre's p1 = 12, p2 = 6, p3 = 3.
 * - Vĩnh Thạnh (546): 2 officials at Thị trấn Vĩnh Thạnh, roster on 27/6 (late), one granted on 2/7.
 *   July: its own return, first 1 + 1, replaced by a corrected one 8 + 2 (on 3/8, on time). August: none.
 * - Sở Nội vụ: 1 official, roster on 24/6, not granted. July and August: nothing (missing).
 * - The centre's July file has a row (row 9, 6 accounts) that matched no roster.
 */
import { CENTRE_UNIT } from '../../../shared/tokens.js';
import type { Grant, ResultsEntry, ResultsPointer } from '../../../shared/report/types.js';
import type { RosterInput } from '../../../shared/report/model.js';

export const PHU_CAT = '548';
export const VINH_THANH = '546';
export const NOI_VU = 'so-noi-vu';
export const NGO_MAY = '21853';
export const CAT_SON = '21856';
export const TT_VINH_THANH = '21786';

export const ROSTERS: RosterInput[] = [
  {
    unit: PHU_CAT,
    firstReceivedAt: '2021-06-20T03:00:00.000Z',
    officials: [
      { idHash: 'id-p1', workUnitCode: NGO_MAY },
      { idHash: 'id-p2', workUnitCode: NGO_MAY },
      { idHash: 'id-p3', workUnitCode: CAT_SON },
    ],
  },
  {
    unit: VINH_THANH,
    firstReceivedAt: '2021-06-27T03:00:00.000Z',
    officials: [
      { idHash: 'id-v1', workUnitCode: TT_VINH_THANH },
      { idHash: 'id-v2', workUnitCode: TT_VINH_THANH },
    ],
  },
  { unit: NOI_VU, firstReceivedAt: '2021-06-24T03:00:00.000Z', officials: [{ idHash: 'id-n1', workUnitCode: NOI_VU }] },
];

export const GRANTS: Grant[] = [
  { idHash: 'id-p1', grantedAt: '2021-06-28', recordedAt: '2021-06-28T09:00:00.000Z' },
  { idHash: 'id-p2', grantedAt: '2021-06-28', recordedAt: '2021-06-28T09:00:00.000Z' },
  { idHash: 'id-p3', grantedAt: '2021-06-28', recordedAt: '2021-06-28T09:00:00.000Z' },
  { idHash: 'id-v1', grantedAt: '2021-07-02', recordedAt: '2021-07-02T09:00:00.000Z' },
];

export function pointer(period: string, scope: string, versionId: string, firstReceivedAt: string, entries: readonly ResultsEntry[]): ResultsPointer {
  return {
    period,
    scope,
    versionId,
    uploadId: `up-${versionId}`,
    orderKey: `${firstReceivedAt}#0`,
    receivedAt: firstReceivedAt,
    firstReceivedAt,
    rowCount: entries.length,
    total: entries.reduce((total, entry) => total + entry.count, 0),
    updatedAt: firstReceivedAt,
    previousVersionId: null,
  };
}

export function entry(row: number, person: string | null, count: number, unit: string | null, workUnitCode: string | null, phone?: string): ResultsEntry {
  return {
    row,
    idHash: person ? `id-${person}` : null,
    phoneHash: phone ?? (person ? `ph-${person}` : null),
    name: null,
    count,
    unit,
    workUnitCode,
  };
}

export interface FixtureMonth {
  pointers: ResultsPointer[];
  entries: Map<string, ResultsEntry[]>;
}

export const JULY_CENTRE = [
  entry(7, 'p1', 10, PHU_CAT, NGO_MAY),
  entry(8, 'p2', 5, PHU_CAT, NGO_MAY),
  entry(9, null, 6, null, null, 'ph-stranger'),
];
/** Phù Cát's own July return: p2 by phone only (the centre's figure wins), and p3 (counted). */
export const JULY_PHU_CAT = [entry(7, null, 7, PHU_CAT, NGO_MAY, 'ph-p2'), entry(8, 'p3', 4, PHU_CAT, CAT_SON)];
/** Vĩnh Thạnh's corrected July return (it replaced a first one with 1 + 1). */
export const JULY_VINH_THANH = [entry(7, 'v1', 8, VINH_THANH, TT_VINH_THANH), entry(8, 'v2', 2, VINH_THANH, TT_VINH_THANH)];

export const JULY: FixtureMonth = {
  pointers: [
    pointer('2021-07', CENTRE_UNIT, 'c-jul', '2021-08-02T02:00:00.000Z', JULY_CENTRE),
    pointer('2021-07', PHU_CAT, 'pc-jul', '2021-08-04T02:00:00.000Z', JULY_PHU_CAT),
    { ...pointer('2021-07', VINH_THANH, 'vt-jul-2', '2021-08-03T02:00:00.000Z', JULY_VINH_THANH), previousVersionId: 'vt-jul-1' },
  ],
  entries: new Map([
    [CENTRE_UNIT, JULY_CENTRE],
    [PHU_CAT, JULY_PHU_CAT],
    [VINH_THANH, JULY_VINH_THANH],
  ]),
};

export const AUGUST_CENTRE = [entry(7, 'p1', 12, PHU_CAT, NGO_MAY), entry(8, 'p2', 6, PHU_CAT, NGO_MAY), entry(9, 'p3', 3, PHU_CAT, CAT_SON)];
/** The centre's August file came late (7/9). */
export const AUGUST: FixtureMonth = {
  pointers: [pointer('2021-08', CENTRE_UNIT, 'c-aug', '2021-09-07T02:00:00.000Z', AUGUST_CENTRE)],
  entries: new Map([[CENTRE_UNIT, AUGUST_CENTRE]]),
};
