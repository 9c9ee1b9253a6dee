import { generate } from '@graphql-codegen/cli';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/cli.js';

describe('generated resolver types', () => {
  it('match what codegen.yml generates from schema/ (run `npm run codegen` after editing the SDL)', async () => {
    const config = parse(readFileSync(join(repoRoot, 'codegen.yml'), 'utf8'));
    const outputs = await generate({ ...config, cwd: repoRoot, silent: true }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      const committed = readFileSync(join(repoRoot, output.filename), 'utf8');
      expect(committed, `${output.filename} is stale`).toBe(output.content);
    }
  });
});
