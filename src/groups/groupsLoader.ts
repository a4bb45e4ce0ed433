// The lazy boundary of the groups feature's commands: esbuild.mjs keeps `require('./groupsFeature')` here
// external (dist/groups.js); under tsc it resolves to src/groups/groupsFeature. Loaded when one of its
// commands first runs, so that activation does not pay for it.
import type * as FeatureModule from './groupsFeature';

let loaded: typeof FeatureModule | undefined;

export function loadGroupsFeature(): typeof FeatureModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('./groupsFeature') as typeof FeatureModule;
  return loaded;
}
