import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

// Attachment bytes live on disk under STORAGE_DIR, named by their SHA-256,
// never in the database rows that list them. The type is decided by the
// content's magic bytes, not by the name or the declared type.

export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

export const ATTACHMENT_REASONS = {
  unsupported: 'unsupported_type',
  mismatch: 'type_mismatch',
  tooLarge: 'too_big',
  empty: 'too_small',
} as const;

/** PDF "%PDF-", JPEG FF D8 FF, PNG 89 50 4E 47 0D 0A 1A 0A (ISO 32000, JFIF/Exif, RFC 2083). */
export function detectAttachmentType(bytes: Uint8Array): AttachmentType | null {
  const starts = (sig: number[]) => bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  return null;
}

/** A file name safe to keep and to send back in Content-Disposition. */
export function cleanFilename(name: string | undefined, type: AttachmentType): string {
  const extension = type === 'application/pdf' ? '.pdf' : type === 'image/png' ? '.png' : '.jpg';
  const base = basename(name ?? '')
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f"\\/]/g, '')
    .trim()
    .slice(0, 200);
  return base || `attachment${extension}`;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function attachmentPath(storageDir: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a SHA-256');
  return join(resolve(storageDir), 'permits', sha256.slice(0, 2), sha256);
}

/** Writes the bytes once (same content, same name), atomically via a temporary file. */
export async function storeAttachment(storageDir: string, bytes: Uint8Array): Promise<{ sha256: string; path: string }> {
  const sha256 = sha256Hex(bytes);
  const path = attachmentPath(storageDir, sha256);
  if (!existsSync(path)) {
    await mkdir(join(path, '..'), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, bytes, { mode: 0o640 });
    await rename(tmp, path);
  }
  return { sha256, path };
}
