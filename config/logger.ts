/**
 * One pino logger for every process. Personal data never reaches a log line: the redact paths below
 * cover the fields where it could appear (request bodies, persons, headers with credentials), and the
 * code logs ids (inburgeraarId, workflowId), never names or BSNs.
 */
import pino, { type Logger } from 'pino';
import type { Config } from './config';

export const REDACT_PATHS = [
  'bsn',
  '*.bsn',
  '*.*.bsn',
  'naam',
  '*.naam',
  '*.*.naam',
  'voornaam',
  '*.voornaam',
  '*.*.voornaam',
  'achternaam',
  '*.achternaam',
  '*.*.achternaam',
  'geboortedatum',
  '*.geboortedatum',
  '*.*.geboortedatum',
  'persoon',
  '*.persoon',
  'email',
  '*.email',
  'telefoon',
  '*.telefoon',
  'adres',
  '*.adres',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'body',
  'req.body',
];

export function createLogger(config: Pick<Config, 'LOG_LEVEL'>, name = 'inburgering-regie'): Logger {
  return pino({ name, level: config.LOG_LEVEL, redact: { paths: REDACT_PATHS, censor: '[redacted]' } });
}

export type { Logger };
