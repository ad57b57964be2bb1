// Vietnamese carriers and one tower company. The names, licence kinds and
// mobile network codes (MCC 452) are public facts; every site, route and
// number attached to them in the demo dataset is synthetic.
export interface CarrierSpec {
  code: string;
  name: string;
  legalName: string;
  licenceKinds: ('mobile' | 'fixed' | 'infrastructure')[];
  mobileNetworkCodes: string[];
  website: string;
  colour: string;
  /** Generator knobs: share of demand clusters the carrier serves, 5G band. */
  mobile?: { reach: 'all' | 'most' | 'many' | 'towns'; band5gMhz: number | null; mnc: string };
  fixed?: { share: number };
}

export const CARRIERS: readonly CarrierSpec[] = [
  {
    code: 'VIETTEL',
    name: 'Viettel',
    legalName: 'Tập đoàn Công nghiệp – Viễn thông Quân đội',
    licenceKinds: ['mobile', 'fixed'],
    mobileNetworkCodes: ['04'],
    website: 'https://viettel.com.vn',
    colour: '#e4002b',
    mobile: { reach: 'all', band5gMhz: 2600, mnc: '04' },
    fixed: { share: 0.45 },
  },
  {
    code: 'VNPT',
    name: 'VNPT (VinaPhone)',
    legalName: 'Tập đoàn Bưu chính Viễn thông Việt Nam',
    licenceKinds: ['mobile', 'fixed'],
    mobileNetworkCodes: ['02'],
    website: 'https://vnpt.com.vn',
    colour: '#0072bc',
    mobile: { reach: 'most', band5gMhz: 3500, mnc: '02' },
    fixed: { share: 0.4 },
  },
  {
    code: 'MOBIFONE',
    name: 'MobiFone',
    legalName: 'Tổng công ty Viễn thông MobiFone',
    licenceKinds: ['mobile'],
    mobileNetworkCodes: ['01'],
    website: 'https://mobifone.vn',
    colour: '#1a3e8c',
    mobile: { reach: 'many', band5gMhz: 3500, mnc: '01' },
  },
  {
    code: 'VNMOBILE',
    name: 'Vietnamobile',
    legalName: 'Công ty Cổ phần Viễn thông Di động Vietnamobile',
    licenceKinds: ['mobile'],
    mobileNetworkCodes: ['05'],
    website: 'https://vietnamobile.com.vn',
    colour: '#f47920',
    mobile: { reach: 'towns', band5gMhz: null, mnc: '05' },
  },
  {
    code: 'FPT',
    name: 'FPT Telecom',
    legalName: 'Công ty Cổ phần Viễn thông FPT',
    licenceKinds: ['fixed'],
    mobileNetworkCodes: [],
    website: 'https://fpt.vn',
    colour: '#2e7d32',
    fixed: { share: 0.15 },
  },
  {
    code: 'CTR',
    name: 'Viettel Construction (TowerCo)',
    legalName: 'Tổng Công ty Cổ phần Công trình Viettel',
    licenceKinds: ['infrastructure'],
    mobileNetworkCodes: [],
    website: 'https://viettelconstruction.com.vn',
    colour: '#6d4c41',
  },
];

export const TOWER_COMPANY = 'CTR';
