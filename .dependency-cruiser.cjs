/**
 * Import rules, checked by `npm run check:layers` (and by .ci/run before the tests).
 *
 * Layers run one way; a layer imports only the layers below it (README, Layout):
 *   cli → server → resolvers → ingest → pipeline → graph → store → text → hub → domain (src/*.ts: domain, paths, deadline, worker-rpc)
 * src/model-generator/ is a tool for tests, benchmarks and `npm start` (random-weight models): no layer imports it.
 * Tests and benchmarks may import any of src/; what they share lives in test/support/, and no test imports bench/.
 */
const LAYERS = ['cli', 'server', 'resolvers', 'ingest', 'pipeline', 'graph', 'store', 'text', 'hub'];
const ORDER = 'layers run cli → server → resolvers → ingest → pipeline → graph → store → text → hub → domain (src/*.ts); never import back up';

/** One rule per layer: nothing it imports may sit above it. */
const upward = LAYERS.slice(1).map((layer, index) => ({
  name: `${layer}-imports-up`,
  comment: `src/${layer}/ must not import ${LAYERS.slice(0, index + 1).map((l) => `src/${l}/`).join(', ')}: ${ORDER}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${LAYERS.slice(0, index + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: 'domain-imports-a-layer',
      comment: `src/*.ts (domain, paths, deadline, worker-rpc) are the bottom leaves every layer uses; they import no layer: ${ORDER}`,
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: '^src/[^/]+/' },
    },
    {
      name: 'runtime-imports-model-generator',
      comment: 'src/model-generator/ writes random-weight models for tests, benchmarks and npm start; the server never imports it',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/model-generator/' },
      to: { path: '^src/model-generator/' },
    },
    {
      name: 'model-generator-imports-the-app',
      comment: 'src/model-generator/ may use the model folder layout (src/pipeline/model-dir.ts) and the tokenizers (to write tokenizer files), nothing else of the app',
      severity: 'error',
      from: { path: '^src/model-generator/' },
      to: { path: '^src/[^/]+/', pathNot: '^src/(model-generator/|pipeline/model-dir\\.ts$|pipeline/tokenizers/)' },
    },
    {
      name: 'src-imports-tests-or-benches',
      comment: 'src/ must not import test/, bench/ or scripts/',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'test-imports-bench',
      comment: 'tests never import bench/: fixtures shared by tests and benchmarks live in test/support/',
      severity: 'error',
      from: { path: '^(test|scripts)/' },
      to: { path: '^bench/' },
    },
    {
      name: 'bench-imports-a-benchmark',
      comment: 'a benchmark runs when imported: bench/ files import only bench/support/ of bench/',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^bench/', pathNot: '^bench/support/' },
    },
    {
      name: 'imports-a-test-file',
      comment: 'test files are entry points; what tests and benchmarks share lives in test/support/',
      severity: 'error',
      from: { path: '^(test|bench)/' },
      to: { path: '^test/', pathNot: '^test/support/' },
    },
    {
      name: 'no-circular',
      comment: 'modules import each other in a circle',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'the import resolves to no file or package',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    // Type-only imports count: a type that runs back up ties the layers as much as a value does.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
