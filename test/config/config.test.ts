/** Configuration is validated once at start: a wrong value stops the process with field and reason. */
import { ConfigError, DEVELOPMENT_KEY, loadConfig } from '../../config/config';

describe('loadConfig', () => {
  it('gives the embedded defaults: SQLite file, local dev server', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('file:data/inburgering.db');
    expect(config.isPostgres).toBe(false);
    expect(config.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(config.TEMPORAL_DEV_SERVER).toBe(true);
    expect(config.PORT).toBe(3000);
  });

  it('recognises PostgreSQL and parses booleans and numbers', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      TEMPORAL_DEV_SERVER: 'false',
      PORT: '8080',
    });
    expect(config.isPostgres).toBe(true);
    expect(config.TEMPORAL_DEV_SERVER).toBe(false);
    expect(config.PORT).toBe(8080);
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ PORT: 'abc' }, 'PORT'],
    [{ PAYLOAD_KEY: 'dG9vLXNob3J0' }, 'PAYLOAD_KEY: must be 32 bytes'],
    [{ MANAGER_EMAIL: 'not-an-address' }, 'MANAGER_EMAIL'],
    [{ OIDC_ISSUER: 'https://login.example' }, 'OIDC_ISSUER/OIDC_AUDIENCE'],
    [{ OIDC_AUDIENCE: 'inburgering' }, 'OIDC_ISSUER/OIDC_AUDIENCE'],
    [{ NODE_ENV: 'production' }, 'set real keys in production'],
    [{ BSN_OLD_KEYS: 'bsn-1' }, 'BSN_OLD_KEYS: must be "id:base64key,..." with 32-byte keys'],
    [{ PAYLOAD_OLD_KEYS: 'dev-1:dG9vLXNob3J0' }, 'PAYLOAD_OLD_KEYS: must be "id:base64key'],
    [{ BSN_KEY_ID: 'a key' }, 'BSN_KEY_ID'],
    [{ RATE_LIMIT_PER_KEY: '0' }, 'RATE_LIMIT_PER_KEY'],
  ])('refuses %j naming the field', (env, expected) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(expected);
  });

  it('accepts production with real keys and OIDC with both settings', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(key).not.toBe(DEVELOPMENT_KEY);
    const config = loadConfig({
      NODE_ENV: 'production',
      PAYLOAD_KEY: key,
      BSN_KEY: key,
      OIDC_ISSUER: 'https://login.example',
      OIDC_AUDIENCE: 'inburgering',
    });
    expect(config.OIDC_AUDIENCE).toBe('inburgering');
  });
});
