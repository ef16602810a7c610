// Text fields of request bodies: at most 64 KiB once trimmed (identifiers: 512 characters).
import { Type } from '@sinclair/typebox';

export const MAX_TEXT = 65_536;
export const MAX_IDENTIFIER = 512;

/** Free text; `description` of a required one says why it is required (`required to comment`). */
export const text = (description?: string, maxLength = MAX_TEXT) =>
  Type.String({ maxLength, ...(description ? { description } : {}) });
