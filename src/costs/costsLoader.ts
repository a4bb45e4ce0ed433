// The lazy boundary of the costs feature: esbuild.mjs keeps `require('./costsFeature')` here
// external (dist/costs.js); under tsc it resolves to src/costs/costsFeature.
import type * as FeatureModule from './costsFeature';

let loaded: typeof FeatureModule | undefined;

export function loadCostsFeature(): typeof FeatureModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./costsFeature') as typeof FeatureModule;
  return loaded;
}
