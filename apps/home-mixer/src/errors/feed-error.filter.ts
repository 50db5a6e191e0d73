import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ErrorResponse } from '@foryou/contracts';
import type { FastifyReply } from 'fastify';
import { FeedError, httpStatusOf, type FeedErrorCode } from './feed-error';

/** Maps every error to `{error: {code, message, details}, request_id}` with the right status. */
@Catch()
export class FeedErrorFilter implements ExceptionFilter {
  constructor(private readonly _onUnexpected: (err: unknown) => void) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status: number;
    let body: ErrorResponse;
    if (exception instanceof FeedError) {
      status = httpStatusOf(exception.code);
      body = {
        error: { code: exception.code, message: exception.message, details: [...exception.details] },
        request_id: exception.requestId,
      };
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      body = { error: { code: codeFor(status), message: exception.message, details: [] }, request_id: null };
    } else {
      this._onUnexpected(exception);
      status = 500;
      body = { error: { code: 'internal', message: 'internal error', details: [] }, request_id: null };
    }
    if (body.request_id) {
      void reply.header('x-request-id', body.request_id);
    }
    void reply.status(status).send(body);
  }
}

function codeFor(status: number): FeedErrorCode {
  if (status === 404) {
    return 'not_found';
  }
  if (status === 503) {
    return 'unavailable';
  }
  return status < 500 ? 'invalid_argument' : 'internal';
}
