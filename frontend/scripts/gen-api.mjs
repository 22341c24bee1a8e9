// The API's types, generated from its OpenAPI document by openapi-typescript (pinned in package.json):
//   node scripts/gen-api.mjs           writes src/lib/api-schema.d.ts from openapi.json  (npm run gen:api)
//   node scripts/gen-api.mjs --check   fails when the checked-in file differs from a fresh generation
//                                      (npm run check:api, part of npm test)
// openapi.json itself comes from the API's code: python -m deeplens.entrypoints.openapi_export
// (tests/unit/entrypoints/test_openapi_export.py fails when it is stale).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const spec = join(root, 'openapi.json');
const target = join(root, 'src', 'lib', 'api-schema.d.ts');
const cli = join(dirname(createRequire(import.meta.url).resolve('openapi-typescript/package.json')), 'bin', 'cli.js');

function generate(out) {
  execFileSync(process.execPath, [cli, relative(root, spec), '--output', out], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

if (process.argv.includes('--check')) {
  const scratch = mkdtempSync(join(tmpdir(), 'api-schema-'));
  try {
    const fresh = join(scratch, 'api-schema.d.ts');
    generate(fresh);
    let current = null;
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== readFileSync(fresh, 'utf8')) {
      console.error(
        `${relative(root, target)} differs from a fresh generation out of openapi.json: run npm run gen:api`,
      );
      process.exitCode = 1;
    } else {
      console.log(`${relative(root, target)} matches openapi.json`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else {
  generate(target);
}
