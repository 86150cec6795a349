import { takeContractMismatches } from './contract.js';

/** Fails the test during which an answer did not follow docs/openapi.json (see contract.ts). */
afterEach(() => {
  const mismatches = takeContractMismatches();
  if (mismatches.length)
    throw new Error(`answers that do not follow docs/openapi.json (fix the document: npm run openapi):\n  ${[...new Set(mismatches)].join('\n  ')}`);
});
