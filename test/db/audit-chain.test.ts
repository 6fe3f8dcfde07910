/**
 * The audit trail's hash chain (activities/audit-chain.ts) on SQLite and PostgreSQL: rows chain in
 * order, retries write nothing twice, several processes appending at once keep one unbroken chain,
 * retention's anonymisation keeps it valid, the database refuses deletes and other updates, and
 * every kind of tampering by someone who switched those rules off is named by the check, also by
 * `npm run audit:verify` as a user runs it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  anonymiseAuditEvents,
  appendAuditEvents,
  appendAuditEventsNow,
  REMOVED,
  RETENTION_ACTION,
  verifyAuditChain,
  type AuditRowInput,
} from '../../activities/audit-chain';
import { recordTrajectoryEvent } from '../../activities/read-model';
import { dbProvider, type Db } from '../../prisma/db';
import type { Provider } from '../../prisma/provider';
import { eventInput, newPersonId } from './fixtures';
import { openMigratedDb, providersUnderTest } from './helpers';

const root = path.join(__dirname, '../..');

const pause = (person: string, seq: number, reason: string): AuditRowInput => ({
  occurredAt: new Date(Date.UTC(2027, 0, 10, 9, 0, seq)),
  actor: 'coach-1',
  action: 'pause',
  inburgeraarId: person,
  workflowId: `inburgering-${person}`,
  eventSeq: seq,
  details: { date: '2027-01-10', reason },
});

const apiRead = (person: string): AuditRowInput => ({
  occurredAt: new Date(),
  actor: 'manager-1',
  action: 'PERSON_READ',
  inburgeraarId: person,
  details: { view: 'full', actorRole: 'manager' },
});

/** Switches the append-only triggers off, as an administrator with the owner's rights could. */
async function disableTriggers(db: Db): Promise<void> {
  if (dbProvider(db) === 'postgresql') {
    await db.$executeRawUnsafe('ALTER TABLE "AuditEvent" DISABLE TRIGGER USER');
    await db.$executeRawUnsafe('ALTER TABLE "AuditChainHead" DISABLE TRIGGER USER');
  } else {
    await db.$executeRawUnsafe('DROP TRIGGER "AuditEvent_no_update"');
    await db.$executeRawUnsafe('DROP TRIGGER "AuditEvent_no_delete"');
  }
}

async function triggerNames(db: Db): Promise<string[]> {
  const rows =
    dbProvider(db) === 'postgresql'
      ? await db.$queryRawUnsafe<{ name: string }[]>(
          `SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`,
        )
      : await db.$queryRawUnsafe<{ name: string }[]>(
          `SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY 1`,
        );
  return rows.map((r) => r.name);
}

type ProcessRun = { code: number | null; out: string };

function startProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; ready: Promise<void>; done: Promise<ProcessRun> } {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), ...args], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', ...env },
  });
  let out = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (/^ready$/m.test(out)) markReady();
  });
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<ProcessRun>((resolve) =>
    child.on('close', (code) => {
      markReady(); // a process that died before its barrier must not hang the test
      resolve({ code, out });
    }),
  );
  return { child, ready, done };
}

function runProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessRun> {
  const { child, done } = startProcess(args, env);
  child.stdin!.end();
  return done;
}

/** Starts every writer, waits until each has its database open, then lets them all go at once. */
async function runTogether(argsList: string[][]): Promise<ProcessRun[]> {
  const started = argsList.map((args) => startProcess(args));
  await Promise.all(started.map((s) => s.ready));
  for (const s of started) s.child.stdin!.end('go\n');
  return Promise.all(started.map((s) => s.done));
}

for (const { provider, run } of providersUnderTest('test/db/audit-chain')) {
  (run ? describe : describe.skip)(`audit hash chain on ${provider}`, () => {
    const open = (name: string) => openMigratedDb(provider as Provider, name);

    it('chains rows in order, skips a retried event, and the check finds the head', async () => {
      const { db, close } = await open('chain');
      try {
        const person = newPersonId();
        expect(await triggerNames(db)).toEqual(
          provider === 'postgresql'
            ? ['AuditChainHead_kept', 'AuditEvent_append_only', 'AuditEvent_no_truncate']
            : ['AuditChainHead_no_delete', 'AuditEvent_no_delete', 'AuditEvent_no_update'],
        );
        expect(await appendAuditEventsNow(db, [pause(person, 1, 'wacht op woning'), apiRead(person)])).toBe(
          2,
        );
        // A retry of the same workflow event (and a repeat inside one batch) writes nothing.
        expect(await appendAuditEventsNow(db, [pause(person, 1, 'wacht op woning')])).toBe(0);
        expect(
          await db.$transaction((tx) =>
            appendAuditEvents(tx, [pause(person, 2, 'a'), pause(person, 2, 'a')]),
          ),
        ).toBe(1);
        // The workflow's activity goes through the same chain.
        await recordTrajectoryEvent(db, eventInput(person, 3));

        const rows = await db.auditEvent.findMany({ orderBy: { chainSeq: 'asc' } });
        expect(rows.map((r) => r.chainSeq)).toEqual([1, 2, 3, 4]);
        expect(rows[0]!.prevHash).toBe('');
        for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
        expect(rows[0]!.personalDigest).toMatch(/^[0-9a-f]{64}$/);
        expect(rows[1]!.personalDigest).toBeNull(); // an API read has no personal part

        const report = await verifyAuditChain(db, { pageSize: 2 });
        expect(report).toMatchObject({
          ok: true,
          rows: 4,
          unchainedRows: 0,
          head: { seq: 4, hash: rows[3]!.hash },
        });
      } finally {
        await close();
      }
    });

    it('several processes appending at once keep one unbroken chain', async () => {
      const { db, url, close } = await open('concurrent');
      try {
        const results = await runTogether(
          ['a', 'b', 'c'].map((label) => [path.join(__dirname, 'audit-append-process.ts'), url, label, '15']),
        );
        for (const r of results) expect(r).toMatchObject({ code: 0 });
        const report = await verifyAuditChain(db);
        expect(report).toMatchObject({ ok: true, rows: 45 });
        const writers = await db.auditEvent.groupBy({ by: ['actor'], _count: { _all: true } });
        expect(writers.map((w) => [w.actor, w._count._all]).sort()).toEqual([
          ['a', 15],
          ['b', 15],
          ['c', 15],
        ]);
        // They really interleaved: the chain does not hold each writer's rows as one block.
        const order = (await db.auditEvent.findMany({ orderBy: { chainSeq: 'asc' } })).map((r) => r.actor);
        const switches = order.filter((actor, i) => i > 0 && actor !== order[i - 1]).length;
        expect(switches).toBeGreaterThan(2);
      } finally {
        await close();
      }
    });

    it('retention removes the personal part and the chain stays valid once its event is written', async () => {
      const { db, close } = await open('anonymise');
      try {
        const person = newPersonId();
        const other = newPersonId();
        await appendAuditEventsNow(db, [
          pause(person, 1, 'wacht op woning van Fatima'),
          apiRead(person),
          {
            occurredAt: new Date(),
            actor: 'manager-1',
            action: 'PERSONAL_DATA_CORRECTED',
            inburgeraarId: person,
            details: { fields: ['achternaam'], persoonlijk: { oud: { achternaam: 'Haddat' } } },
          },
          pause(other, 1, 'blijft staan'),
        ]);
        const at = new Date('2032-02-01T02:00:00Z');
        expect(await db.$transaction((tx) => anonymiseAuditEvents(tx, person, at))).toBe(3);

        const rows = await db.auditEvent.findMany({
          where: { inburgeraarId: person },
          orderBy: { chainSeq: 'asc' },
        });
        expect(rows.map((r) => JSON.parse(r.details))).toEqual([
          { date: '2027-01-10', reason: REMOVED },
          { view: 'full', actorRole: 'manager' },
          { fields: ['achternaam'], persoonlijk: REMOVED },
        ]);
        expect(rows.every((r) => r.personalSalt === null && r.anonymisedAt?.getTime() === at.getTime())).toBe(
          true,
        );
        const untouched = await db.auditEvent.findFirstOrThrow({ where: { inburgeraarId: other } });
        expect(JSON.parse(untouched.details).reason).toBe('blijft staan');

        // Anonymised without the retention event that says why: the check calls that out.
        expect((await verifyAuditChain(db)).firstBreak).toMatchObject({
          id: rows[0]!.id,
          reason: 'personal part removed without a retention event',
        });
        await appendAuditEventsNow(db, [
          {
            occurredAt: at,
            actor: 'retention',
            action: RETENTION_ACTION,
            inburgeraarId: person,
            details: {},
          },
        ]);
        expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rows: 5 });
      } finally {
        await close();
      }
    });

    it('the database refuses deletes and every update except the anonymisation', async () => {
      const { db, close } = await open('appendonly');
      try {
        const person = newPersonId();
        await appendAuditEventsNow(db, [pause(person, 1, 'x'), pause(person, 2, 'y')]);
        const row = await db.auditEvent.findFirstOrThrow({ where: { eventSeq: 1 } });
        // (SQLite's adapter reports a trigger's RAISE as a constraint error, PostgreSQL with its text.)
        const refusal = provider === 'postgresql' ? /append-only|never deleted/ : /constraint/i;
        await expect(db.auditEvent.delete({ where: { id: row.id } })).rejects.toThrow(refusal);
        await expect(db.auditEvent.deleteMany({})).rejects.toThrow(refusal);
        await expect(
          db.auditEvent.update({ where: { id: row.id }, data: { action: 'resume' } }),
        ).rejects.toThrow(refusal);
        // Even the anonymisation may not touch a chained column at the same time.
        await expect(
          db.auditEvent.update({
            where: { id: row.id },
            data: { anonymisedAt: new Date(), personalSalt: null, actor: 'someone-else' },
          }),
        ).rejects.toThrow(refusal);
        await expect(db.auditChainHead.deleteMany({})).rejects.toThrow(refusal);
        expect(await db.auditEvent.findUniqueOrThrow({ where: { id: row.id } })).toEqual(row);
        expect(await verifyAuditChain(db)).toMatchObject({ ok: true, rows: 2 });
      } finally {
        await close();
      }
    });

    describe('tampering with the rules switched off is named by the check', () => {
      const tampered = async (
        name: string,
        tamper: (db: Db, rows: { id: number; chainSeq: number | null }[]) => Promise<unknown>,
      ) => {
        const { db, url, close } = await open(name);
        const person = newPersonId();
        await appendAuditEventsNow(
          db,
          [1, 2, 3, 4].map((seq) => pause(person, seq, `reden ${seq}`)),
        );
        const rows = await db.auditEvent.findMany({
          orderBy: { chainSeq: 'asc' },
          select: { id: true, chainSeq: true },
        });
        await disableTriggers(db);
        await tamper(db, rows);
        return { db, url, rows, close };
      };

      it('a changed field', async () => {
        const { db, url, rows, close } = await tampered('tamperfield', (db, rows) =>
          db.auditEvent.update({ where: { id: rows[1]!.id }, data: { actor: 'iemand-anders' } }),
        );
        try {
          expect((await verifyAuditChain(db)).firstBreak).toEqual({
            id: rows[1]!.id,
            chainSeq: 2,
            reason: 'the row was changed after it was written (hash mismatch)',
          });
          // As a user runs it: exit code 1 and the row named.
          const cli = await runProcess(['scripts/audit-verify.ts'], { DATABASE_URL: url });
          expect(cli.code).toBe(1);
          expect(cli.out).toContain(`BROKEN: audit row id=${rows[1]!.id} (chain position 2)`);
          expect(cli.out).toContain('The 1 row(s) before it are intact.');
        } finally {
          await close();
        }
      });

      it('changed free text (the personal part no longer matches its digest)', async () => {
        const { db, rows, close } = await tampered('tampertext', (db, rows) =>
          db.auditEvent.update({
            where: { id: rows[2]!.id },
            data: { details: JSON.stringify({ date: '2027-01-10', reason: 'iets anders' }) },
          }),
        );
        try {
          expect((await verifyAuditChain(db)).firstBreak).toMatchObject({
            id: rows[2]!.id,
            reason: 'the personal part of details does not match its digest',
          });
        } finally {
          await close();
        }
      });

      it('a removed row, and a removed last row', async () => {
        const { db, rows, close } = await tampered('tamperdelete', (db, rows) =>
          db.auditEvent.delete({ where: { id: rows[1]!.id } }),
        );
        try {
          expect((await verifyAuditChain(db)).firstBreak).toMatchObject({
            id: rows[2]!.id,
            reason: 'chain position 2 is missing before this row (a row was removed)',
          });
        } finally {
          await close();
        }
        const tail = await tampered('tampertail', (db, rows) =>
          db.auditEvent.delete({ where: { id: rows[3]!.id } }),
        );
        try {
          expect((await verifyAuditChain(tail.db)).firstBreak).toMatchObject({
            id: null,
            reason: 'the chain ends at position 3 but its head says 4 (rows at the end were removed)',
          });
        } finally {
          await tail.close();
        }
      });

      it('a row slipped in beside the chain, and a faked anonymisation', async () => {
        const { db, close } = await tampered('tamperinsert', (db) =>
          db.auditEvent.create({ data: { occurredAt: new Date(), actor: 'x', action: 'PERSON_READ' } }),
        );
        try {
          const intruder = await db.auditEvent.findFirstOrThrow({ where: { chainSeq: null } });
          expect((await verifyAuditChain(db)).firstBreak).toEqual({
            id: intruder.id,
            chainSeq: null,
            reason: 'row is not part of the hash chain',
          });
        } finally {
          await close();
        }
        const faked = await tampered('tamperanon', (db, rows) =>
          db.auditEvent.update({
            where: { id: rows[0]!.id },
            data: {
              details: JSON.stringify({ date: '2027-01-10', reason: 'verzonnen' }),
              anonymisedAt: new Date(),
            },
          }),
        );
        try {
          expect((await verifyAuditChain(faked.db)).firstBreak).toMatchObject({
            id: faked.rows[0]!.id,
            reason: 'anonymised row still holds a personal value',
          });
        } finally {
          await faked.close();
        }
      });
    });
  });
}

it('npm run audit:verify on an intact database says OK with the head', () => {
  // The chain test above proves the failing case; here the plain success line, on a fresh SQLite file.
  return (async () => {
    const { db, url, close } = await openMigratedDb('sqlite', 'verifyok');
    try {
      await appendAuditEventsNow(db, [apiRead(newPersonId())]);
      const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/audit-verify.ts'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'test' },
        encoding: 'utf8',
      });
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^OK: 1 audit row\(s\) in the chain; head 1 [0-9a-f]{64}$/m);
    } finally {
      await close();
    }
  })();
});
