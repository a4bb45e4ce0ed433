// The lazy boundary: the SDK bundle (dist/aws.js) is required on the first AWS call, never at
// activation. esbuild.mjs keeps `require('../aws')` here external; under tsc it resolves to src/aws.
import type * as AwsModule from '../aws';

export type Aws = typeof AwsModule;

let loaded: Aws | undefined;

export function loadAws(): Aws {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('../aws') as Aws;
  return loaded;
}

/** Loads the SDK bundle off the critical path (e.g. once the view is visible). */
export function warmAws(): void {
  if (loaded) return;
  setTimeout(() => {
    try {
      loadAws();
    } catch {
      /* reported on first real use */
    }
  }, 0);
}
