import type { VersionVector } from '@foryou/contracts';

/** The parts of the version vector fixed at boot; the params version is added per request. */
export type VersionInfo = Omit<VersionVector, 'params'>;

export const RESPONSE_SCHEMA_VERSION = 'feed-response-v1';
