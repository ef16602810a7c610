// ESLint flat config. The pure core may not import any framework or I/O library: that is what
// keeps detectors, attribution and state machines cheap to test and deterministic to replay.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const adapters = [
  '@nestjs/*',
  'kafkajs',
  '@clickhouse/client',
  'chdb',
  'express',
  'node:fs',
  'node:net',
  'node:http',
  'node:os',
  'node:child_process',
  'fs',
  'os',
  'child_process',
  '#storage',
  '#messaging',
  '#messaging/*',
  '#platform',
  '#testing',
  '#testing/*',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.toolchain/**',
      '.kafka/**',
      '.data/**',
      'reports/**',
      '.cache/**',
      '.tools/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        fetch: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The web UI runs in the browser.
    files: ['apps/api/ui/**/*.js'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        history: 'readonly',
        sessionStorage: 'readonly',
        localStorage: 'readonly',
        EventSource: 'readonly',
        URLSearchParams: 'readonly',
        HTMLElement: 'readonly',
        Event: 'readonly',
        CustomEvent: 'readonly',
        requestAnimationFrame: 'readonly',
        navigator: 'readonly',
        Intl: 'readonly',
        EventTarget: 'readonly',
        Blob: 'readonly',
      },
    },
  },
  {
    files: ['libs/core/**/*.ts'],
    // Specs (and their support files) may read scenario files; the core itself may not touch I/O.
    ignores: ['libs/core/**/*.spec.ts', 'libs/core/**/*.spec-support.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // The patterns are gitignore lines, where a leading `#` starts a comment: escape it,
              // or every `#storage`-style entry is silently dropped.
              group: adapters.map((name) => name.replace(/^#/, '\\#')),
              message:
                'libs/core is pure: no frameworks, brokers, databases or I/O. Pass data in, return decisions.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the injected Clock.' },
        { object: 'Math', property: 'random', message: 'Take a seeded source (SeededRandom) as input.' },
      ],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'libs/core does no I/O.' }],
    },
  },
);
