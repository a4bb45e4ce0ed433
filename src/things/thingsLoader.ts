// The lazy boundary of issue 12's commands: esbuild.mjs keeps `require('./thingsFeature')` here
// external (dist/things.js); under tsc it resolves to src/things/thingsFeature.
import type * as FeatureModule from './thingsFeature';

let loaded: typeof FeatureModule | undefined;

export function loadThingsFeature(): typeof FeatureModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./thingsFeature') as typeof FeatureModule;
  return loaded;
}
