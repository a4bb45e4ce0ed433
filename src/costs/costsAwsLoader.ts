// The lazy boundary of Cost Explorer: dist/costs-aws.js is required when costs are first asked for,
// never at activation or by the tree. esbuild.mjs keeps `require('../aws/costExplorer')` here external.
import type * as CostsAwsModule from '../aws/costExplorer';

export type CostsAws = typeof CostsAwsModule;

let loaded: CostsAws | undefined;

export function loadCostsAws(): CostsAws {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('../aws/costExplorer') as CostsAws;
  return loaded;
}
