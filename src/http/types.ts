import type { RequestLogRecord } from '../logger.ts';
import type { AppServices } from '../services/app-services.ts';
import type { Principal } from '../services/tokens.ts';

export type HttpEnv = { Variables: { services: AppServices; principal: Principal; requestId: string; requestLog: RequestLogRecord } };
