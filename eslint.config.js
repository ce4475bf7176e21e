// ESLint (flat config) with typescript-eslint: `npm run lint`, also run by `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // .tessera-test-*: scratch folders tests create under the root (test/ops/build.test.ts builds there).
  // console/dist: the console's build output (npm run build:console); scratch/: git-ignored local experiments.
  {
    ignores: [
      'dist/**',
      'console/dist/**',
      'scratch/**',
      'node_modules/**',
      'data/**',
      'coverage/**',
      '.tessera-test-*/**',
      'packages/sdk/src/models.gen.ts',
      'packages/*/dist/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
      },
    },
    rules: {
      // Upstream JSON is untyped by nature; `any` is allowed where a value crosses that line.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Layering: services and the engine never reach up into the HTTP layer.
      'no-restricted-imports': 'off',
    },
  },
  {
    // The web console runs in the browser (docs/console.md): the DOM's globals, not Node's.
    files: ['console/**/*.{ts,tsx}'],
    ignores: ['console/vite.config.ts'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        location: 'readonly',
        history: 'readonly',
        sessionStorage: 'readonly',
        localStorage: 'readonly',
        fetch: 'readonly',
        performance: 'readonly',
        URL: 'readonly',
        URLSearchParams: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        FormData: 'readonly',
        Headers: 'readonly',
        Request: 'readonly',
        Response: 'readonly',
        Blob: 'readonly',
        File: 'readonly',
        HTMLElement: 'readonly',
        HTMLInputElement: 'readonly',
        HTMLSelectElement: 'readonly',
        HTMLTextAreaElement: 'readonly',
        HTMLFormElement: 'readonly',
        HTMLDivElement: 'readonly',
        SVGSVGElement: 'readonly',
        Element: 'readonly',
        Event: 'readonly',
        KeyboardEvent: 'readonly',
        MouseEvent: 'readonly',
        CustomEvent: 'readonly',
        ResizeObserver: 'readonly',
        IntersectionObserver: 'readonly',
        PerformanceObserver: 'readonly',
        requestAnimationFrame: 'readonly',
        cancelAnimationFrame: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        Intl: 'readonly',
        crypto: 'readonly',
        alert: 'readonly',
        confirm: 'readonly',
        console: 'readonly',
        // Node's globals do not exist there.
        process: 'off',
        Buffer: 'off',
      },
    },
  },
  {
    files: ['src/services/**/*.ts', 'src/engine/**/*.ts', 'src/store/**/*.ts', 'src/integrations/**/*.ts', 'src/query/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/http/*', '**/http/**'],
              message: 'services, engine, store, integrations and query sit below http/: move what you need down instead.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/http/*', '**/http/**', '**/services/*', '**/services/**'], message: 'the engine sits below services/ and http/.' }] },
      ],
    },
  },
);
