import { Transform, type TransformCallback } from 'node:stream';
import { ImportFileError } from '../import-errors';

// Vietnamese spreadsheets still come out of old systems in Windows-1258 or
// TCVN3 (ABC). Both are single-byte encodings whose Vietnamese letters are not
// valid UTF-8, so a strict decoder catches them; the bytes then tell which one
// it likely is. Windows-1258 writes tone marks as combining characters at
// 0xCC, 0xEC, 0xD2, 0xDE, 0xF2 (grave, acute, hook, tilde, dot below) right
// after a letter; TCVN3 uses precomposed letters spread over 0xA1–0xFE.

const CP1258_TONES = new Set([0xcc, 0xec, 0xd2, 0xde, 0xf2]);

export function guessLegacyEncoding(bytes: Uint8Array): 'windows-1258' | 'tcvn3' {
  let tones = 0;
  let high = 0;
  for (let i = 1; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x80) continue;
    high += 1;
    const prev = bytes[i - 1]!;
    const afterLetter = (prev >= 0x41 && prev <= 0x5a) || (prev >= 0x61 && prev <= 0x7a) || prev >= 0xc0;
    if (CP1258_TONES.has(b) && afterLetter) tones += 1;
  }
  return high > 0 && tones / high > 0.3 ? 'windows-1258' : 'tcvn3';
}

export function legacyEncodingError(kind: 'windows-1258' | 'tcvn3'): ImportFileError {
  const name = kind === 'windows-1258' ? 'Windows-1258' : 'TCVN3 (ABC)';
  const en =
    `The file is not UTF-8: it looks like ${name}. Save it as UTF-8 and upload again: in Excel "Save As → CSV UTF-8"; ` +
    `in LibreOffice tick "Edit filter settings" and choose Unicode (UTF-8); or convert with ` +
    (kind === 'windows-1258' ? '`iconv -f CP1258 -t UTF-8 in.csv > out.csv`' : '`iconv -f TCVN5712-1 -t UTF-8 in.csv > out.csv` or UniKey Toolkit (TCVN3 → Unicode)') +
    '.';
  const vi =
    `Tệp không ở mã UTF-8, có vẻ là ${name}. Hãy lưu lại dạng UTF-8 rồi tải lên: Excel chọn "Save As → CSV UTF-8"; ` +
    `LibreOffice chọn bộ mã Unicode (UTF-8); hoặc chuyển mã bằng ` +
    (kind === 'windows-1258' ? '`iconv -f CP1258 -t UTF-8 vao.csv > ra.csv`' : 'UniKey Toolkit (TCVN3 → Unicode) hoặc `iconv -f TCVN5712-1 -t UTF-8 vao.csv > ra.csv`') +
    '.';
  return new ImportFileError(en, { en, vi }, 'not_utf8');
}

/**
 * Passes bytes through unchanged while checking that they are UTF-8 (a BOM is
 * allowed); fails with a message naming the likely legacy encoding and how to
 * convert it.
 */
export function utf8Guard(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        callback(legacyEncodingError(guessLegacyEncoding(chunk)));
        return;
      }
      callback(null, chunk);
    },
    flush(callback) {
      try {
        decoder.decode();
      } catch {
        callback(legacyEncodingError('windows-1258'));
        return;
      }
      callback();
    },
  });
}
