// The lazy boundary of the create feature's commands: esbuild.mjs keeps `require('./createFeature')` here
// external (dist/create.js); under tsc it resolves to src/create/createFeature. Loaded when one of its
// commands first runs, so that activation does not pay for it.
import type * as FeatureModule from './createFeature';

let loaded: typeof FeatureModule | undefined;

export function loadCreateFeature(): typeof FeatureModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./createFeature') as typeof FeatureModule;
  return loaded;
}
