import { Body, Controller, Delete, Get, Inject, Param, Put } from '@nestjs/common';
import { z } from 'zod';
import { FeedError } from '../errors/feed-error';
import { FAULT_MODES } from './fault-injection';
import { FaultRegistry, type AdapterName } from './fault-registry';

const FaultBody = z.object({ mode: z.enum(FAULT_MODES as ['ok', 'error', 'hang', 'throw']) }).strict();

/** Fault switches for drills (only mounted with FAULT_INJECTION_ENABLED=true). */
@Controller('v1/admin/faults')
export class FaultsController {
  constructor(@Inject(FaultRegistry) private readonly _faults: FaultRegistry) {}

  @Get()
  list(): Record<string, string> {
    return this._faults.modes();
  }

  /** `PUT /v1/admin/faults/:adapter {"mode": "error" | "hang" | "throw" | "ok"}` */
  @Put(':adapter')
  set(@Param('adapter') adapter: string, @Body() body: unknown): Record<string, string> {
    if (!this._faults.names.includes(adapter as AdapterName)) {
      throw new FeedError('invalid_argument', `unknown adapter '${adapter}'`, [
        { field: 'adapter', reason: `one of ${this._faults.names.join(', ')}` },
      ]);
    }
    const parsed = FaultBody.safeParse(body);
    if (!parsed.success) {
      throw new FeedError('invalid_argument', 'invalid fault', [
        { field: 'mode', reason: parsed.error.issues[0]?.message ?? 'invalid' },
      ]);
    }
    this._faults.set(adapter as AdapterName, parsed.data.mode);
    return this._faults.modes();
  }

  @Delete()
  clear(): Record<string, string> {
    this._faults.clear();
    return this._faults.modes();
  }
}
