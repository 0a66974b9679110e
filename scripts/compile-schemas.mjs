// Build step: ajv compiles the task-file schemas of schemas/ into standalone validator code
// (dist/task/schema-validators.cjs), so `taskrun` does not compile them at every start.
// src/task/schema.ts falls back to compiling at run time when the file is absent (tests on src/).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { Ajv } = require('ajv');
const standaloneCode = require('ajv/dist/standalone').default;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const readSchema = (name) => JSON.parse(readFileSync(path.join(root, 'schemas', name), 'utf8'));
// The same options as the run-time fallback in src/task/schema.ts.
// CommonJS, so src/task/schema.ts can load it synchronously (no top-level await in the bundle).
const ajv = new Ajv({ allErrors: true, strict: false, code: { source: true } });
ajv.addSchema(readSchema('task.common.json'));
// Export name (a JS identifier; see VALIDATOR_EXPORTS in src/task/schema.ts) → schema $id.
const versions = { preview1: 'task-1.0-preview-1.json', v1_0_0: 'task-v1.0.0.json', v1_1_0: 'task-v1.1.0.json' };
for (const file of Object.values(versions)) ajv.addSchema(readSchema(file));
const out = path.join(root, 'dist', 'task', 'schema-validators.cjs');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, standaloneCode(ajv, versions));
