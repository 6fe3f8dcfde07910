/**
 * The npm scripts as a user runs them (child processes through tsx), on a fresh SQLite file:
 * db:status says what is pending (exit 1), db:migrate applies, then both report up to date.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase } from './helpers';

const root = path.join(__dirname, '../..');

function run(script: string, databaseUrl: string): { code: number | null; out: string } {
  const result = spawnSync(
    process.execPath,
    [require.resolve('tsx/cli'), path.join(root, 'scripts', script)],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test' },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { code: result.status, out: result.stdout + result.stderr };
}

it('db:status → db:migrate → db:migrate → db:status', async () => {
  const { url } = await createTestDatabase('sqlite', 'cli');

  const before = run('db-status.ts', url);
  expect(before.code).toBe(1);
  expect(before.out).toMatch(/Pending \(run npm run db:migrate\):\n {2}\d{14}_init/);

  const first = run('db-migrate.ts', url);
  expect(first.code).toBe(0);
  expect(first.out).toMatch(/Applied \d+ migration\(s\) to sqlite: \d{14}_init/);

  const second = run('db-migrate.ts', url);
  expect(second.out).toContain('sqlite: database is up to date, nothing to apply');

  const after = run('db-status.ts', url);
  expect(after.code).toBe(0);
  expect(after.out).toContain('Database schema is up to date.');
});

it('db:migrate refuses a DATABASE_URL that is neither SQLite nor PostgreSQL', () => {
  const result = run('db-migrate.ts', 'mysql://localhost/x');
  expect(result.code).toBe(1);
  expect(result.out).toMatch(/DATABASE_URL/);
});
