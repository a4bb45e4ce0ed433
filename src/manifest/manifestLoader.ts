// The lazy boundary of the manifest feature: esbuild.mjs keeps `require('./manifestFeature')` here
// external (dist/manifest.js, with the JSON parser and the plan); under tsc it resolves to
// src/manifest/manifestFeature. Loaded when a manifest is first opened or a manifest command runs.
import type * as FeatureModule from './manifestFeature';

let loaded: typeof FeatureModule | undefined;

export function loadManifestFeature(): typeof FeatureModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./manifestFeature') as typeof FeatureModule;
  return loaded;
}
