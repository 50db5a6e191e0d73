import { EVENT_ID_PATTERN, eventIdOf, parseEnvelope } from './envelope';

describe('envelope', () => {
  it('should build event ids BullMQ accepts as job ids', () => {
    const id = eventIdOf('req:1/ä', 'served-history.update');
    expect(id).toBe('req_1__.served-history.update');
    expect(EVENT_ID_PATTERN.test(id)).toBe(true);
    expect(id).not.toContain(':');
  });

  it('should parse JSON or objects and reject anything that is not an envelope', () => {
    const e = {
      eventId: 'e1',
      type: 't',
      schemaVersion: 1,
      minReaderVersion: 1,
      requestId: 'r',
      businessKey: 'k',
      producer: 'p',
      createdAtMs: 1,
      payload: { a: 1 },
    };
    expect(parseEnvelope(JSON.stringify(e))).toEqual(e);
    expect(parseEnvelope(e)).toEqual(e);
    expect(parseEnvelope('{not json')).toBeUndefined();
    expect(parseEnvelope({ ...e, eventId: 'has:colon' })).toBeUndefined();
    expect(parseEnvelope({ ...e, schemaVersion: 0 })).toBeUndefined();
  });
});
