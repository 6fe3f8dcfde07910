/** Liveness/readiness and "who am I". */
import { z } from 'zod';
import { roles } from '../auth/principal';
import { defineRoute, type RouteDef } from '../http/route';

export const systemRoutes: RouteDef[] = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    summary: 'Health: the database and the Temporal frontend answer',
    tag: 'systeem',
    roles: 'public',
    responses: {
      200: {
        description: 'Healthy',
        schema: z.object({ status: z.literal('ok'), checks: z.record(z.string(), z.string()) }),
      },
      503: { description: 'A dependency does not answer' },
    },
    handler: async ({ deps }) => {
      const check = async (fn: () => Promise<unknown>): Promise<string> => {
        try {
          await fn();
          return 'ok';
        } catch {
          return 'unavailable';
        }
      };
      const checks = {
        database: await check(() => deps.health.ping()),
        temporal: await check(() => deps.temporal.workflowService.getSystemInfo({})),
      };
      const ok = Object.values(checks).every((c) => c === 'ok');
      return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'degraded', checks } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/me',
    operationId: 'whoAmI',
    summary: 'The authenticated user: id, role, partner',
    tag: 'systeem',
    roles,
    responses: {
      200: {
        description: 'The caller',
        schema: z.object({
          userId: z.string(),
          role: z.string(),
          partnerId: z.string().nullable(),
          via: z.string(),
        }),
      },
    },
    handler: async ({ principal }) => ({ body: principal }),
  }),
];
