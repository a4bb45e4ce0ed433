// ESLint flat config with typescript-eslint.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'test/e2e/node_modules/**', 'dist/**', 'dist-eager/**', 'out/**', 'out-*/**', '.e2e-artifacts/**', '.vscode-test/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // `import vscode = require('vscode')` keeps one API object; a namespace import copies it per module.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      eqeqeq: ['error', 'always'],
      'no-restricted-properties': ['error', { property: 'innerHTML', message: 'Never render untrusted text as HTML.' }],
    },
  },
  {
    // The SDK is reachable only through src/aws/ (and test/bench code that drives the emulator directly).
    files: ['src/**/*.ts'],
    ignores: ['src/aws/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', '@smithy/*'] }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/aws/**/*.ts', 'media/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['vscode'] }] },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The test-only host runner is a plain CommonJS extension (no build step).
    files: ['test/vscode/host-runner/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
