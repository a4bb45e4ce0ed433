// Builds these bundles:
//   dist/extension.js  – the entry VS Code loads at activation; must not contain the AWS SDK;
//   dist/connection.js, create.js, groups.js – the commands of those features, loaded when one first runs;
//   dist/aws.js        – src/aws (the SDK and everything that needs it), loaded on the first AWS call;
//   dist/webview/form.js – the create form's script (browser), from media/form/.
//   dist/costs-aws.js    – src/aws/costExplorer (the Cost Explorer client), loaded only when costs are asked for;
//   dist/webview/costs.js – the costs panel's script (browser), from media/costs/;
//   dist/costs.js        – the costs feature (panel host, model, Set Up), loaded when costs are first asked for.
//   dist/things.js       – issue 12's bulk assignment and attribution check, loaded when first used.
//   dist/manifest.js     – billing groups as code (issue 13): parser, plan, apply, diagnostics, loaded on first manifest or command;
//   dist/billing-groups.schema.json – the manifest's JSON Schema, generated from src/core/limits.ts (jsonValidation).
// Usage: node esbuild.mjs [--production] [--watch] [--eager-sdk]
//   --eager-sdk builds a comparison entry (dist-eager/) that links the SDK statically, for `npm run bench`.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const eager = process.argv.includes('--eager-sdk');

/** Keeps the lazy boundary: `require('../aws')` in src/shared/awsLoader.ts stays a runtime require of dist/aws.js. */
const lazyAwsBoundary = {
  name: 'lazy-aws-boundary',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/aws$/ }, (args) =>
      /[\\/]src[\\/]shared[\\/]awsLoader\.ts$/.test(args.importer) ? { path: './aws.js', external: true } : undefined,
    );
  },
};

/** The same for Cost Explorer: `require('../aws/costExplorer')` in src/costs/costsAwsLoader.ts loads dist/costs-aws.js, only when costs are asked for. */
const lazyCostsAwsBoundary = {
  name: 'lazy-costs-aws-boundary',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/aws\/costExplorer$/ }, (args) =>
      /[\\/]src[\\/]costs[\\/]costsAwsLoader\.ts$/.test(args.importer) ? { path: './costs-aws.js', external: true } : undefined,
    );
  },
};

/**
 * dist/costs-aws.js always signs with the IoT client's credentials (passed in), so the SDK's default
 * credential chain, which every client's config links, is replaced by a stub there: 313 KB → 181 KB.
 */
const noDefaultCredentialChain = {
  name: 'no-default-credential-chain',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: 'credential-provider-node', namespace: 'costs-aws-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'costs-aws-stub' }, () => ({
      contents: 'exports.defaultProvider = () => async () => { throw new Error("Cost Explorer signs with the credentials of the AWS IoT client"); };',
      loader: 'js',
    }));
  },
};

/**
 * The features that load on first use: `require('./NAMEFeature')` in src/NAME/NAMELoader.ts stays a
 * runtime require of dist/NAME.js, built from src/NAME/NAMEFeature.ts. What runs at activation (the
 * tree, the command registrations, the panel serializers) stays in the entry bundle.
 */
const LAZY_FEATURES = ['connection', 'create', 'groups', 'things', 'costs', 'manifest'];
const lazyFeatureBoundary = {
  name: 'lazy-feature-boundary',
  setup(build) {
    build.onResolve({ filter: /^\.\/[a-z]+Feature$/ }, (args) => {
      const name = args.path.slice(2, -'Feature'.length);
      const loader = new RegExp(`[\\\\/]src[\\\\/]${name}[\\\\/]${name}Loader\\.ts$`);
      return LAZY_FEATURES.includes(name) && loader.test(args.importer) ? { path: `./${name}.js`, external: true } : undefined;
    });
  },
};

/** Writes dist/billing-groups.schema.json from src/core/manifestSchema.ts, so the schema never drifts from limits.ts. */
async function writeManifestSchema() {
  const out = await esbuild.build({ entryPoints: ['src/core/manifestSchema.ts'], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'silent' });
  const mod = { exports: {} };
  new Function('module', 'exports', out.outputFiles[0].text)(mod, mod.exports);
  fs.mkdirSync('dist', { recursive: true });
  fs.writeFileSync('dist/billing-groups.schema.json', mod.exports.manifestSchemaText());
}

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'info',
  legalComments: production ? 'none' : 'inline',
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] };

const builds = eager
  ? [{ ...node, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist-eager', minify: true, sourcemap: false }]
  : [
      { ...node, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', plugins: [lazyAwsBoundary, lazyCostsAwsBoundary, lazyFeatureBoundary] },
      ...LAZY_FEATURES.map((name) => ({
        ...node,
        entryPoints: { [name]: `src/${name}/${name}Feature.ts` },
        outdir: 'dist',
        mainFields: ['module', 'main'],
        plugins: [lazyAwsBoundary, lazyCostsAwsBoundary, lazyFeatureBoundary],
      })),
      { ...node, entryPoints: { aws: 'src/aws/index.ts' }, outdir: 'dist', mainFields: ['module', 'main'] },
      { ...node, entryPoints: { 'costs-aws': 'src/aws/costExplorer/index.ts' }, outdir: 'dist', mainFields: ['module', 'main'], plugins: [noDefaultCredentialChain] },
      {
        ...common,
        platform: 'browser',
        format: 'iife',
        target: 'es2022',
        entryPoints: { form: 'media/form/form.ts', costs: 'media/costs/costs.ts' },
        outdir: 'dist/webview',
      },
    ];

// A package build starts from an empty dist/, so no stale file (e.g. a source map) is shipped.
if (production && !eager) fs.rmSync('dist', { recursive: true, force: true });

/** Lines the F5 task's background problem matcher waits for (.vscode/tasks.json). */
const watchMarkers = {
  name: 'watch-markers',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const e of result.errors) console.error(`✘ [ERROR] ${e.text} ${e.location ? `${e.location.file}:${e.location.line}` : ''}`);
      console.log('[watch] build finished');
    });
  },
};

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context({ ...b, plugins: [...(b.plugins ?? []), watchMarkers] })));
  await writeManifestSchema();
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[esbuild] watching for changes');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (!eager) await writeManifestSchema();
}
