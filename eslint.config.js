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
  // Which way dependencies point (ARCHITECTURE.md): graph is pure, nothing below
  // api/ imports api/ or cli/, ops/ sees dialects only through their interface,
  // dialects/ never reaches up into the runtime, the scripts or the API.
  // One layer() per folder: flat config replaces a rule rather than merging it, so each folder lists all it may not import.
  layer(['src/graph/**'], ['node:*', 'kysely', '../script/*', '../runtime/*', '../ops/*', '../dialects/*', '../api/*', '../cli/*', '../config/*'], 'graph/ is pure: no node:*, no Kysely, no other layer'),
  layer(['src/script/**', 'src/runtime/**'], ['../cli/*', '../api/*', '../../cli/*', '../../api/*'], 'lower layers never import api/ or cli/'),
  layer(['src/ops/**', 'src/config/**'], ['../cli/*', '../api/*', '../runtime/*', '../dialects/registry.js', '../dialects/*/*'], 'ops/ and config/ never import api/, cli/ or the runtime, and see dialects only through dialects/dialect.ts and names.ts'),
  layer(['src/dialects/**'], ['../cli/*', '../../cli/*', '../api/*', '../../api/*', '../runtime/*', '../../runtime/*', '../script/*', '../../script/*', '../graph/*', '../../graph/*'], 'dialects/ describe databases: no api, cli, runtime, script or graph imports'),
  layer(['src/schema/**'], ['../cli/*', '../api/*', '../runtime/*'], 'schema/ uses dialects, graph, ops and script; never api/, cli/ or the runtime (Retort hands it a way to run steps)'),
  layer(['src/api/**'], ['../cli/*'], 'api/ never imports cli/'),
  layer(['src/cli/commands/**'], ['../../runtime/*', '../../dialects/*', '../../graph/*', '../../script/*', '../../ops/*'], 'commands call the API: no graph logic and no SQL in cli/'),
  // A database is named only in dialects/ (names.ts holds the list); elsewhere ask a capability.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/dialects/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Literal[value=/^(sqlite|postgres|mysql)$/]',
          message: 'name databases only in src/dialects/; ask a capability instead',
        },
      ],
    },
  },
)
