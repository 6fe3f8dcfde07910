/**
 * `npm run contract:generate`: writes workflows/contract.generated.json from the command schemas
 * (domain/workflow-contract.ts). Run it after changing domain/commands.ts; the unit test
 * test/unit/workflow-contract.test.ts fails until you do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { workflowContractText } from '../domain/workflow-contract';

export const WORKFLOW_CONTRACT_FILE = path.join(__dirname, '..', 'workflows', 'contract.generated.json');

if (require.main === module) {
  fs.writeFileSync(WORKFLOW_CONTRACT_FILE, workflowContractText());
  process.stdout.write(`wrote ${path.relative(process.cwd(), WORKFLOW_CONTRACT_FILE)}\n`);
}
