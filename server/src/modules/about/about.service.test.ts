import { describe, expect, it } from 'vitest';
import { datasetFacts } from './about.service';

describe('datasetFacts', () => {
  it('keeps the public facts of the stored dataset value and drops the rest', () => {
    const facts = datasetFacts({
      name: 'bac-giang',
      province: 'Bắc Giang',
      synthetic: true,
      label: 'synthetic demo data',
      seed: 42,
      methods: { sites: 'greedy', bogus: 3 },
      attribution: ['GADM 4.1, CC BY', 7],
      checksum: 'secret-ish',
      rows: { villages: 10 },
    });
    expect(facts).toEqual({
      name: 'bac-giang',
      province: 'Bắc Giang',
      synthetic: true,
      label: 'synthetic demo data',
      seed: 42,
      generatorVersion: null,
      methods: { sites: 'greedy' },
      attribution: ['GADM 4.1, CC BY'],
      loadedAt: null,
    });
  });
});
