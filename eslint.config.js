import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const layer = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
})

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'templates/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Which way dependencies point (style.md): graph is pure, nothing imports cli.
  layer(['src/graph/**'], ['node:*', 'kysely', '../script/*', '../runtime/*', '../ops/*', '../api/*', '../cli/*', '../config/*'], 'graph/ is pure: no node:*, no Kysely, no other layer'),
  layer(['src/script/**', 'src/runtime/**', 'src/ops/**', 'src/config/**'], ['../cli/*', '../api/*', '../../cli/*', '../../api/*'], 'lower layers never import api/ or cli/'),
  layer(['src/api/**'], ['../cli/*'], 'api/ never imports cli/'),
)
