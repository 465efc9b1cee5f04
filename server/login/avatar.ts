/**
 * What may become an avatar: a picture the caller uploaded to their own avatar folder, judged by
 * its stored bytes (a name or a client-declared type proves nothing), within a size cap.
 */
import { AppError } from '../errors';

/** chooseAvatar hands over a cropped, compressed picture; anything past this is not one. */
export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;

/** The picture formats `<image>` shows on every phone, by their leading bytes. */
export function imageKind(bytes: Uint8Array): 'png' | 'jpeg' | 'gif' | 'webp' | undefined {
  const at = (offset: number, ...values: number[]): boolean => values.every((v, i) => bytes[offset + i] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38) && (at(4, 0x37, 0x61) || at(4, 0x39, 0x61))) return 'gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'webp';
  return undefined;
}

/** The path inside the bucket of a `cloud://<env>.<bucket>/<path>` fileID. */
function pathOf(fileID: string): string {
  return fileID.replace(/^cloud:\/\/[^/]+\//, '');
}

function refuse(reason: string): AppError {
  return new AppError('INVALID_ARGUMENT', `avatarFileId ${reason}`, { avatarFileId: reason });
}

/** Reads a stored file's bytes; rejects when there is no such file. */
export type ReadFile = (fileID: string) => Promise<Uint8Array>;

/** Throws INVALID_ARGUMENT unless `fileID` is an image of the caller's, at most AVATAR_MAX_BYTES. */
export async function checkAvatar(fileID: string, openid: string, read: ReadFile): Promise<void> {
  if (!pathOf(fileID).startsWith(`avatars/${openid}/`)) throw refuse('is not in your avatar folder');
  let bytes: Uint8Array;
  try {
    bytes = await read(fileID);
  } catch (error) {
    // The SDK reports a missing file as STORAGE_FILE_NONEXIST; other failures are the service's.
    if (/NONEXIST|not exist/i.test(String((error as { code?: unknown }).code ?? '') + String(error))) {
      throw refuse('names no stored file');
    }
    throw error;
  }
  if (bytes.length > AVATAR_MAX_BYTES) throw refuse(`is larger than ${AVATAR_MAX_BYTES / 1024 / 1024} MB`);
  if (!imageKind(bytes)) throw refuse('is not a PNG, JPEG, GIF or WebP image');
}
