/**
 * Raw statements for the hot write path (a workflow step, an audit entry, a koppeling): the same
 * rows Prisma's model API writes, as one parameterised SQL statement each, run through Prisma's
 * `$executeRaw` / `$queryRaw` or on the driver adapter directly (./direct.ts), SQLite and
 * PostgreSQL alike (the placeholders of each are rendered from the same `Prisma.Sql`, and
 * identifiers are quoted as the migrations create them).
 *
 * Why: a model query costs Prisma's query compiler and interpreter ~0.28 ms of CPU per statement
 * on this machine, a raw one ~0.08-0.14 ms (bench/README.md, "Where a koppeling's and a coach
 * action's CPU goes"); a step is about nine statements, and `createMany` with a new number of rows
 * is compiled anew each time. Reads for pages and everything off the hot path keep the model API.
 *
 * Values: strings, numbers, booleans, Dates and null, converted by the adapter exactly as for a
 * model query; `undefined` means "not given" as it does there (the column is left out).
 */
import { Prisma } from './db';

export type SqlValue = string | number | boolean | Date | null;
export type SqlRow = Record<string, SqlValue | undefined>;

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9]*$/;

/** A quoted table or column name; only names written in this code base, never input. */
export function ident(name: string): Prisma.Sql {
  if (!IDENTIFIER.test(name)) throw new Error(`not an identifier: ${name}`);
  return Prisma.raw(`"${name}"`);
}

const given = (row: SqlRow): Array<[string, SqlValue]> =>
  Object.entries(row).filter((e): e is [string, SqlValue] => e[1] !== undefined);

/** `"a" = $1, "b" = $2` for an UPDATE's SET. */
export function assignments(row: SqlRow): Prisma.Sql {
  return Prisma.join(
    given(row).map(([column, value]) => Prisma.sql`${ident(column)} = ${value}`),
    ', ',
  );
}

/**
 * `INSERT INTO "table" ("a", "b") VALUES (…), (…)`: one statement for all rows, which must have the
 * same columns given (the first row's decide).
 */
export function insertInto(table: string, rows: readonly SqlRow[]): Prisma.Sql {
  if (rows.length === 0) throw new Error('insertInto: no rows');
  const columns = given(rows[0]!).map(([column]) => column);
  const values = rows.map((row) => {
    if (given(row).length !== columns.length || columns.some((c) => row[c] === undefined))
      throw new Error(`insertInto ${table}: rows differ in columns`);
    return Prisma.sql`(${Prisma.join(columns.map((c) => row[c] as SqlValue))})`;
  });
  return Prisma.sql`INSERT INTO ${ident(table)} (${Prisma.join(columns.map(ident))}) VALUES ${Prisma.join(values)}`;
}
