import { randomBytes } from 'node:crypto';

/** CloudBase-style document id: 32 lowercase hex characters. */
export function newDocumentId(): string {
  return randomBytes(16).toString('hex');
}
