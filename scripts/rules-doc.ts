// Writes media/rules.md from the rule registry (src/core/analysis/rules/), the page each
// diagnostic's code links to. test/unit/analysis-rules-doc.test.ts fails when the file is stale.
// Run: node --import tsx scripts/rules-doc.ts
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { rulesMarkdown } from '../src/core/analysis/rules';

const target = path.resolve(__dirname, '..', 'media', 'rules.md');
writeFileSync(target, rulesMarkdown());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
