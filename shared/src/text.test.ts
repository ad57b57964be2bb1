import { describe, expect, it } from 'vitest';
import { foldVietnamese, VIETNAMESE_FOLD_FROM, VIETNAMESE_FOLD_TO } from './text';

/** What PostgreSQL's translate(lower(x), FROM, TO) does, in JavaScript. */
function sqlFold(text: string): string {
  const from = [...VIETNAMESE_FOLD_FROM];
  const to = [...VIETNAMESE_FOLD_TO];
  return [...text.toLowerCase()]
    .map((c) => {
      const i = from.indexOf(c);
      return i >= 0 ? to[i] : c;
    })
    .join('');
}

describe('foldVietnamese', () => {
  it.each([
    ['Bắc Giang', 'bac giang'],
    ['Đông Phú', 'dong phu'],
    ['ĐỒNG', 'dong'],
    ['Lục Ngạn', 'luc ngan'],
    ['Thôn Ổ  Nguyễn', 'thon o nguyen'],
    ['  Yên   Thế ', 'yen the'],
    ['Hữu Lũng', 'huu lung'],
    ['VIETTEL', 'viettel'],
    ['', ''],
  ])('%s → %s', (input, folded) => {
    expect(foldVietnamese(input)).toBe(folded);
  });

  it('folds decomposed (NFD) input the same as precomposed', () => {
    expect(foldVietnamese('Bắc Giang'.normalize('NFD'))).toBe('bac giang');
  });

  it('the SQL translate table has one target per letter', () => {
    expect([...VIETNAMESE_FOLD_FROM]).toHaveLength([...VIETNAMESE_FOLD_TO].length);
    expect([...VIETNAMESE_FOLD_TO].every((c) => /^[a-z]$/.test(c))).toBe(true);
  });

  it.each(['Bắc Giang', 'Đông Sơn', 'Xã Tân Dĩnh', 'Phường Hoàng Văn Thụ', 'ỨNG HÒA', 'Ỷ La'])('SQL folding agrees with foldVietnamese for %s', (name) => {
    expect(sqlFold(name)).toBe(foldVietnamese(name));
  });
});
