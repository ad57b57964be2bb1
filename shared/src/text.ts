// Diacritic- and case-insensitive matching of Vietnamese text: "bac giang"
// finds "Bắc Giang", "dong" finds "Đông". The client folds what the user types
// with foldVietnamese(); the server folds the stored names in SQL with
// translate() over the same character table (VIETNAMESE_FOLD_FROM/TO), since
// PostgreSQL's unaccent extension needs a superuser to install.

const BASE_VOWELS = ['a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y'];
/** Combining marks of the five Vietnamese tones: huyền, sắc, hỏi, ngã, nặng. */
const TONE_MARKS = ['\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];

/**
 * Folds a string for matching: Unicode NFD, combining marks removed, đ/Đ → d,
 * lower case, runs of whitespace collapsed, trimmed.
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

function vietnameseLetters(): string[] {
  const letters: string[] = ['đ'];
  for (const vowel of BASE_VOWELS) {
    letters.push(vowel);
    for (const tone of TONE_MARKS) letters.push((vowel + tone).normalize('NFC'));
  }
  const upper = letters.map((l) => l.toUpperCase());
  // Keep only letters that fold to something else (plain a, e, i… fold to themselves).
  return [...letters, ...upper].filter((l) => foldVietnamese(l) !== l);
}

const LETTERS = vietnameseLetters();
/** Every precomposed Vietnamese letter that needs folding (both cases), for SQL translate(). */
export const VIETNAMESE_FOLD_FROM = LETTERS.join('');
/** What each letter of VIETNAMESE_FOLD_FROM folds to, position by position. */
export const VIETNAMESE_FOLD_TO = LETTERS.map((l) => foldVietnamese(l)).join('');
