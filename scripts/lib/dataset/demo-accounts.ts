// Demo accounts: created only by the demo dataset (users.demo = true) and
// printed by `npm start`. One shared, documented password that passes
// checkPasswordStrength; never use these outside a demo.
import type { Role } from '@registry/shared/enums';

export const DEMO_PASSWORD = 'Demo@2025!';

export interface DemoAccount {
  username: string;
  displayName: string;
  role: Role;
  /** Carrier code for role 'carrier'. */
  carrier: string | null;
  password: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: 'admin', displayName: 'Quản trị hệ thống (demo)', role: 'admin', carrier: null, password: DEMO_PASSWORD },
  { username: 'planner', displayName: 'Chuyên viên quy hoạch (demo)', role: 'planner', carrier: null, password: DEMO_PASSWORD },
  { username: 'officer', displayName: 'Cán bộ cấp phép (demo)', role: 'officer', carrier: null, password: DEMO_PASSWORD },
  { username: 'viettel', displayName: 'Kỹ sư Viettel (demo)', role: 'carrier', carrier: 'VIETTEL', password: DEMO_PASSWORD },
  { username: 'vnpt', displayName: 'Kỹ sư VNPT (demo)', role: 'carrier', carrier: 'VNPT', password: DEMO_PASSWORD },
  { username: 'mobifone', displayName: 'Kỹ sư MobiFone (demo)', role: 'carrier', carrier: 'MOBIFONE', password: DEMO_PASSWORD },
];
