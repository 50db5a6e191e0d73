import { createHash, timingSafeEqual } from 'node:crypto';
import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ErrorResponse } from '@foryou/contracts';
import type { FastifyReply } from 'fastify';

/**
 * Authentication of the admin API: `Authorization: Bearer <token>` against `ADMIN_TOKEN`.
 *
 * | situation                               | status | code                |
 * | --------------------------------------- | ------ | ------------------- |
 * | `ADMIN_TOKEN` unset (API not configured) | 503    | `unavailable`       |
 * | no (or a non-Bearer) Authorization       | 401    | `unauthenticated`   |
 * | a Bearer token that does not match       | 403    | `permission_denied` |
 */
export type AdminAuthCode = 'unavailable' | 'unauthenticated' | 'permission_denied';

/** A refused admin request; mapped by {@link AdminAuthErrorFilter} (the feed's error codes have no 401/403). */
export class AdminAuthError extends Error {
  override readonly name = 'AdminAuthError';

  constructor(
    readonly code: AdminAuthCode,
    message: string,
  ) {
    super(message);
  }

  get status(): 401 | 403 | 503 {
    switch (this.code) {
      case 'unauthenticated':
        return 401;
      case 'permission_denied':
        return 403;
      case 'unavailable':
        return 503;
    }
  }
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Equality of two secrets in time independent of where they differ: both are hashed to 32 bytes first,
 * so neither the content nor the length of the expected token leaks through `timingSafeEqual`.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Throws the {@link AdminAuthError} a request with this Authorization header gets, if any. */
export function assertAdmin(authorization: string | undefined, adminToken: string | undefined): void {
  if (adminToken === undefined) {
    throw new AdminAuthError(
      'unavailable',
      'the admin API is not configured on this process (ADMIN_TOKEN is unset)',
    );
  }
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  if (!match?.[1]) {
    throw new AdminAuthError(
      'unauthenticated',
      'missing credentials: send "Authorization: Bearer <admin token>"',
    );
  }
  if (!tokensEqual(match[1], adminToken)) {
    throw new AdminAuthError('permission_denied', 'the admin token is not valid');
  }
}

/** Writes an {@link AdminAuthError} in the API's error shape (`{error: {code, message, details}, request_id}`). */
@Catch(AdminAuthError)
export class AdminAuthErrorFilter implements ExceptionFilter<AdminAuthError> {
  catch(exception: AdminAuthError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body: ErrorResponse = {
      error: { code: exception.code, message: exception.message, details: [] },
      request_id: null,
    };
    if (exception.status === 401) {
      void reply.header('www-authenticate', 'Bearer realm="foryou-admin"');
    }
    void reply.status(exception.status).send(body);
  }
}
