import { decodePostEvent, POST_EVENT_TYPES, type PostEventDecodeResult } from '@foryou/contracts';
import type { CountedEventType } from '../store/types';

/** A stream entry's fields as Redis returns them: `[field, value, field, value, …]`. */
export type FlatFields = readonly string[];

/**
 * Decodes one stream entry into a post event (contract: `@foryou/contracts` post-events). Never
 * throws: an odd field list, a repeated field name or any schema violation is `ok: false` with a
 * reason. `type` is the entry's type field when it names a known type (for metric labels).
 */
export function decodeEntry(flat: FlatFields): PostEventDecodeResult & { readonly type: CountedEventType } {
  const fields: Record<string, string> = {};
  let repeated: string | undefined;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i]!;
    if (Object.hasOwn(fields, name)) {
      repeated ??= name;
    }
    fields[name] = flat[i + 1]!;
  }
  const raw = fields.type;
  const type: CountedEventType = POST_EVENT_TYPES.find((t) => t === raw) ?? 'unknown';
  if (flat.length % 2 !== 0) {
    return { ok: false, reason: 'entry: odd number of field names and values', type };
  }
  if (repeated !== undefined) {
    return { ok: false, reason: `${repeated}: field repeated`, type };
  }
  return { ...decodePostEvent(fields), type };
}
