/**
 * The CI log: schemathesis's closing banner must not read as pytest's closing line (a reader that
 * knows pytest would take "=== No issues found in 120.05s ===" for a pytest run with no test
 * executed, and the whole CI run for one that ran no test).
 */
import { unbanner } from '../../scripts/api-fuzz';

/** The shape of pytest's closing line: a line of '=' around words that end in a duration. */
const PYTEST_CLOSING = /^=+ .* in [\d.]+s.* =+$/;

describe('schemathesis output in the CI log', () => {
  it.each([
    '=================================== SUMMARY ====================================',
    '========================== No issues found in 120.05s ==========================',
    '============================ 3 failures in 17.12s =============================',
  ])('prints the banner %j with dashes, keeping its words', (line) => {
    const printed = unbanner(line);
    expect(printed).not.toMatch(/^=/);
    expect(printed).not.toMatch(PYTEST_CLOSING);
    expect(printed.replace(/^-+ | -+$/g, '')).toBe(line.replace(/^=+ | =+$/g, ''));
  });

  it.each(['Test cases:', '  4090 generated, 4090 passed', 'a = b', '== not a banner'])(
    'leaves %j as it is',
    (line) => {
      expect(unbanner(line)).toBe(line);
    },
  );
});
