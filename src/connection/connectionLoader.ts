// The lazy boundary of the connection feature's commands: esbuild.mjs keeps `require('./connectionFeature')` here
// external (dist/connection.js); under tsc it resolves to src/connection/connectionFeature. Loaded when one of its
// commands first runs, so that activation does not pay for it.
import type * as FeatureModule from './connectionFeature';

let loaded: typeof FeatureModule | undefined;

export function loadConnectionFeature(): typeof FeatureModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./connectionFeature') as typeof FeatureModule;
  return loaded;
}
