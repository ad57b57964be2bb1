import { describe, expect, it } from 'vitest';
import { cost231HataLossDb, okumuraHataLossDb, tr38901UmaNlosLossDb } from './path-loss';
import { candidateModels, solveRange } from './range';
import { DEFAULT_PARAMETERS, environmentsFor, maplDbFor } from './parameters';
import { tr38901RmaNlosLossDb } from './path-loss';

describe('solveRange', () => {
  it('inverts Okumura–Hata in closed form inside its validity', () => {
    // Hand-derived: L(d) = A + B·log10(d/1 km) with B = 44.9 − 6.55·log 40;
    // A = L(1 km). For MAPL M the range is 10^((M − A)/B) km.
    // Rural villages take Hata's suburban correction by default (DEFAULT_ENVIRONMENTS).
    const a = okumuraHataLossDb(900, 40, 1.5, 1000, 'suburban');
    const b = 44.9 - 6.55 * Math.log10(40);
    const expectedM = 1000 * 10 ** ((140 - a) / b);
    const r = solveRange({ frequencyMHz: 900, antennaHeightM: 40, handsetHeightM: 1.5, areaClass: 'rural', maplDb: 140 });
    expect(r.model).toBe('okumura-hata');
    expect(r.status).toBe('valid');
    expect(r.rangeM).toBeCloseTo(expectedM, 3);
    expect(okumuraHataLossDb(900, 40, 1.5, r.rangeM, 'suburban')).toBeCloseTo(140, 6);
    expect(r.label).toBe('okumura-hata/suburban');
  });

  it('uses COST-231 between 1500 and 2000 MHz', () => {
    const r = solveRange({ frequencyMHz: 1800, antennaHeightM: 30, handsetHeightM: 1.5, areaClass: 'urban', maplDb: 140 });
    expect(r.model).toBe('cost231-hata');
    expect(cost231HataLossDb(1800, 30, 1.5, r.rangeM, 'urban_medium')).toBeCloseTo(140, 6);
  });

  it('falls back to TR 38.901 when the antenna is below Hata’s 30 m', () => {
    const r = solveRange({ frequencyMHz: 1800, antennaHeightM: 20, handsetHeightM: 1.5, areaClass: 'urban', maplDb: 135 });
    expect(r.model).toBe('tr38901-uma-nlos');
    expect(tr38901UmaNlosLossDb(1.8, 20, 1.5, r.rangeM)).toBeCloseTo(135, 6);
  });

  it('falls back to TR 38.901 when Hata’s range would be under 1 km', () => {
    // Urban 1800 MHz at 30 m with MAPL 120 dB: COST-231 gives L(1 km) ≈ 137 dB > 120.
    const r = solveRange({ frequencyMHz: 1800, antennaHeightM: 30, handsetHeightM: 1.5, areaClass: 'urban', maplDb: 120 });
    expect(r.model).toBe('tr38901-uma-nlos');
    expect(r.rangeM).toBeLessThan(1000);
  });

  it('uses RMa for rural above 2 GHz and UMa for urban', () => {
    expect(solveRange({ frequencyMHz: 3500, antennaHeightM: 30, handsetHeightM: 1.5, areaClass: 'rural', maplDb: 130 }).model).toBe('tr38901-rma-nlos');
    expect(solveRange({ frequencyMHz: 3500, antennaHeightM: 30, handsetHeightM: 1.5, areaClass: 'urban', maplDb: 130 }).model).toBe('tr38901-uma-nlos');
  });

  it('rural above RMa’s 30 GHz limit uses UMa', () => {
    expect(candidateModels({ frequencyMHz: 28_000, areaClass: 'rural' }).map((c) => c.model)).toEqual(['tr38901-rma-nlos']);
    expect(candidateModels({ frequencyMHz: 39_000, areaClass: 'rural' }).map((c) => c.model)).toEqual(['tr38901-uma-nlos']);
  });

  it('caps the range at the model’s maximum distance', () => {
    const r = solveRange({ frequencyMHz: 700, antennaHeightM: 60, handsetHeightM: 1.5, areaClass: 'rural', maplDb: 175 });
    expect(r.status).toBe('capped');
    expect(r.rangeM).toBe(20_000);
    expect(r.label).toBe('okumura-hata/suburban:capped');
  });

  it('extrapolates with clamped heights when no model is valid (450 MHz, 15 m mast: Hata only, hb < 30 m)', () => {
    const r = solveRange({ frequencyMHz: 450, antennaHeightM: 15, handsetHeightM: 1.5, areaClass: 'rural', maplDb: 120 });
    expect(r.status).toBe('extrapolated');
    expect(r.model).toBe('okumura-hata');
    expect(okumuraHataLossDb(450, 30, 1.5, r.rangeM, 'suburban')).toBeCloseTo(120, 6);
  });

  it('range grows with MAPL and antenna height', () => {
    const base = { frequencyMHz: 900, handsetHeightM: 1.5, areaClass: 'suburban' as const };
    const r1 = solveRange({ ...base, antennaHeightM: 30, maplDb: 135 }).rangeM;
    const r2 = solveRange({ ...base, antennaHeightM: 30, maplDb: 140 }).rangeM;
    const r3 = solveRange({ ...base, antennaHeightM: 50, maplDb: 140 }).rangeM;
    expect(r2).toBeGreaterThan(r1);
    expect(r3).toBeGreaterThan(r2);
  });
});

describe('area class → environment', () => {
  it('the default mapping keeps the two model families within 4 dB at the 2 GHz seam; the open-area correction would not', () => {
    for (const d of [500, 1000, 2000, 4000]) {
      const rma = tr38901RmaNlosLossDb(2.001, 30, 1.5, d);
      expect(Math.abs(cost231HataLossDb(1999, 30, 1.5, d, 'suburban') - rma)).toBeLessThan(4.1);
      expect(Math.abs(cost231HataLossDb(1999, 30, 1.5, d, 'urban_medium') - tr38901UmaNlosLossDb(2.001, 30, 1.5, d))).toBeLessThan(2.5);
      expect(rma - cost231HataLossDb(1999, 30, 1.5, d, 'open')).toBeGreaterThan(20);
    }
  });

  it('planners can switch a class to another Hata correction or 38.901 scenario', () => {
    expect(environmentsFor(DEFAULT_PARAMETERS, 'rural')).toEqual({ hataEnvironment: 'suburban', tr38901Scenario: 'rma' });
    expect(environmentsFor({ ...DEFAULT_PARAMETERS, 'hata.environment.rural': 0, 'tr38901.scenario.rural': 1 }, 'rural')).toEqual({ hataEnvironment: 'open', tr38901Scenario: 'uma' });
    const open = solveRange({ frequencyMHz: 900, antennaHeightM: 40, handsetHeightM: 1.5, areaClass: 'rural', maplDb: 120, hataEnvironment: 'open' });
    expect(open.label).toBe('okumura-hata/open');
  });
});

describe('maplDbFor', () => {
  it('prefers the narrowest band row, then the technology row, and reads overrides', () => {
    expect(maplDbFor(DEFAULT_PARAMETERS, '4G', 900)).toEqual({ maplDb: 128, key: 'mapl.4G.450-1000' });
    expect(maplDbFor(DEFAULT_PARAMETERS, '4G', 2600)).toEqual({ maplDb: 124, key: 'mapl.4G.1000-2700' });
    expect(maplDbFor(DEFAULT_PARAMETERS, '4G', 3500)).toEqual({ maplDb: 126, key: 'mapl.4G' });
    expect(maplDbFor({ ...DEFAULT_PARAMETERS, 'mapl.5G.3300-3800': 127 }, '5G', 3500)).toEqual({ maplDb: 127, key: 'mapl.5G.3300-3800' });
  });
});
