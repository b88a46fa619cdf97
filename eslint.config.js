import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node, ...globals.worker } }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig
      }
    }
  },
  {
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'svelte/no-at-html-tags': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ]
    }
  },
  {
    files: ['src/lib/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '$lib/store',
                '$lib/store/*',
                '$lib/jobs',
                '$lib/jobs/*',
                '$lib/ui/*',
                '$lib/app/*',
                'svelte',
                'svelte/*',
                'idb',
                '**/store',
                '**/store/**',
                '**/ui/**',
                '**/jobs',
                '**/jobs/**',
                '**/app/**',
                '**/workers/**',
                '$workers/*'
              ],
              message: 'core is pure TypeScript: it imports nothing of the app outside core.'
            }
          ]
        }
      ],
      'no-restricted-globals': ['error', 'document', 'window', 'indexedDB', 'localStorage']
    }
  },
  {
    // The application layer runs in workers and in node tests: no Svelte, no page, no jobs.
    files: ['src/lib/app/**/*.ts', 'src/lib/store/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '$lib/jobs',
                '$lib/jobs/*',
                '$lib/ui/*',
                'svelte',
                'svelte/*',
                '**/jobs',
                '**/jobs/**',
                '**/ui/**',
                '**/workers/**',
                '$workers/*'
              ],
              message: 'app and store code runs in workers: it imports core, store and app only.'
            }
          ]
        }
      ]
    }
  },
  {
    files: ['src/lib/ui/**', 'src/routes/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/workers/**', '$workers', '$workers/*'],
              message:
                'Pages reach workers only through the job bridge ($lib/jobs); take job types from $lib/jobs or $lib/app.'
            },
            {
              group: ['$lib/app/*', '**/app/**'],
              allowTypeImports: true,
              message:
                'The app layer runs in workers (and pulls tfjs in): pages import only its types and run it with startJob().'
            }
          ]
        }
      ]
    }
  },
  {
    // One place starts workers: the job bridge's spawnWorker (src/lib/jobs/spawn.ts).
    files: ['**/*.ts', '**/*.js', '**/*.svelte'],
    ignores: ['src/lib/jobs/spawn.ts', 'test/**', 'bench/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'NewExpression[callee.name=/^(Shared)?Worker$/]',
          message:
            'Start jobs with startJob() from $lib/jobs; only src/lib/jobs/spawn.ts creates workers.'
        }
      ]
    }
  },
  { ignores: ['build/', '.svelte-kit/', 'dev-dist/', 'node_modules/', 'bench/data/', 'public/'] }
);
