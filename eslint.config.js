import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const frameworks = ['express', 'fastify', 'koa', 'hono', 'hono/*', 'next', 'next/*', '@hono/*']

export default tseslint.config(
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/.next',
      'storybook-static',
      'coverage',
      'data',
      '!.storybook',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}', 'stories/**/*.tsx', 'test/**/*.{ts,tsx}', 'demo/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    // A1: the client core never imports React.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(react|react-dom)(/.*)?$|^zustand$|(^|/)react/',
              message: 'src/core has no React (style.md A1); use zustand/vanilla.',
            },
          ],
        },
      ],
    },
  },
  {
    // A1: no web framework outside server-adapter/src/adapters.
    files: ['server-adapter/src/**/*.ts'],
    ignores: ['server-adapter/src/adapters/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: frameworks,
              message: 'Only server-adapter/src/adapters may import a web framework (style.md A1).',
            },
          ],
        },
      ],
    },
  },
)
