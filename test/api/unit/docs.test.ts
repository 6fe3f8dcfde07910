/**
 * The docs point at the one list of commands (`commandSchemas`, rendered in /api/docs) instead of
 * keeping a copy that goes stale when a command is added: no paragraph of README.md or
 * api/README.md names more than a few commands (the walkthrough's examples name some, one or two
 * at a time; fenced diagrams and curl examples are not lists).
 */
import fs from 'node:fs';
import path from 'node:path';
import { COMMAND_NAMES } from '../../../domain/commands';

const ROOT = path.resolve(__dirname, '../../..');

it.each(['README.md', 'api/README.md'])('%s does not list the commands by hand', (file) => {
  // Fenced blocks (the phase diagram, curl examples) show transitions and calls, not a list.
  const prose = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  const paragraphs = prose.split(/\n\s*\n/);
  for (const paragraph of paragraphs) {
    const named = COMMAND_NAMES.filter((name) => new RegExp(`\\b${name}\\b`).test(paragraph));
    expect({ paragraph: paragraph.slice(0, 80), named: named.length > 3 ? named : [] }).toEqual({
      paragraph: paragraph.slice(0, 80),
      named: [],
    });
  }
});
