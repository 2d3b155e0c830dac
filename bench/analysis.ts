// Analyzer benchmark (not part of `npm test`): a generated FastAPI workspace of 5,000
// Python files / 20,000 handlers, full index + routes + findings, then one edit.
// Run: node --import tsx bench/analysis.ts [--files N] [--dir REAL_PROJECT]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { nodeFileSystem } from '../src/core/fs';
import { Parsers } from '../src/core/parsing/parser';
import { ProjectIndex } from '../src/core/project';

const arg = (name: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
const FILES = Number(arg('--files') ?? 5000);
const HANDLERS_PER_FILE = 4;
const HELPER_MODULES = 50;

function generate(root: string): void {
  mkdirSync(path.join(root, 'app', 'routes'), { recursive: true });
  mkdirSync(path.join(root, 'app', 'helpers'), { recursive: true });
  writeFileSync(path.join(root, 'app', '__init__.py'), '');
  writeFileSync(path.join(root, 'app', 'routes', '__init__.py'), '');
  writeFileSync(path.join(root, 'app', 'helpers', '__init__.py'), '');
  for (let h = 0; h < HELPER_MODULES; h++) {
    writeFileSync(path.join(root, 'app', 'helpers', `h${h}.py`), [
      'import requests', 'import json', '', '',
      'def load_remote(url):', '    return requests.get(url, timeout=5).json()', '', '',
      'def parse(data):', '    return json.loads(data)', '', '',
      'def fetch_and_parse(url):', '    return parse(load_remote(url))', '',
    ].join('\n'));
  }
  for (let f = 0; f < FILES - HELPER_MODULES; f++) {
    const h = f % HELPER_MODULES;
    const lines = ['import time', 'from fastapi import APIRouter, Depends', `from app.helpers.h${h} import fetch_and_parse, parse`, '', 'router = APIRouter()', ''];
    for (let k = 0; k < HANDLERS_PER_FILE; k++) {
      const body = [
        [`@router.get("/r${f}/a${k}")`, `async def h${f}_${k}(item_id: int):`, '    time.sleep(0.01)', '    return {"id": item_id}'],
        [`@router.get("/r${f}/b${k}")`, `async def h${f}_${k}(item_id: int):`, '    return fetch_and_parse(f"https://example.com/{item_id}")'],
        [`@router.get("/r${f}/c${k}")`, `def h${f}_${k}(item_id: int):`, '    time.sleep(0.01)', '    return parse("{}")'],
        [`@router.post("/r${f}/d${k}")`, `async def h${f}_${k}(payload: dict):`, '    await something(payload)', '    return parse("{}")'],
      ][k % 4];
      lines.push(...body, '', '');
    }
    writeFileSync(path.join(root, 'app', 'routes', `m${f}.py`), lines.join('\n'));
  }
}

async function measure(root: string, label: string, editFile?: string): Promise<string[]> {
  const out: string[] = [];
  const parsers = await Parsers.load();
  const index = new ProjectIndex(root, nodeFileSystem, parsers);
  global.gc?.();
  const t0 = performance.now();
  await index.refresh();
  const t1 = performance.now();
  const routes = index.routes();
  const t2 = performance.now();
  const findings = index.findings();
  const t3 = performance.now();
  const rss = process.memoryUsage().rss / 2 ** 20;
  out.push(`## ${label}`, '', `files: ${index.files().length}, routes: ${routes.length}, findings: ${findings.length}`, '',
    '| step | ms |', '|---|---:|',
    `| refresh (scan + parse + facts) | ${(t1 - t0).toFixed(0)} |`, `| routes() | ${(t2 - t1).toFixed(0)} |`, `| findings() | ${(t3 - t2).toFixed(0)} |`,
    `| total | ${(t3 - t0).toFixed(0)} |`, '', `peak RSS after full analysis: ${rss.toFixed(0)} MB`, '');
  if (editFile) {
    const file = index.files().find((f) => f.path === editFile)!;
    const steps = { update: [] as number[], routes: [] as number[], findings: [] as number[], total: [] as number[] };
    for (let i = 0; i < 5; i++) {
      const text = `import time\n\nasync def edited_${i}():\n    time.sleep(${i})\n`;
      const s0 = performance.now();
      await index.update(file, text);
      const s1 = performance.now();
      index.routes();
      const s2 = performance.now();
      index.findings();
      const s3 = performance.now();
      steps.update.push(s1 - s0); steps.routes.push(s2 - s1); steps.findings.push(s3 - s2); steps.total.push(s3 - s0);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[2].toFixed(1);
    out.push('one-file edit, median of 5 edits:', '', '| step | ms |', '|---|---:|',
      ...Object.entries(steps).map(([k, v]) => `| ${k === 'routes' ? 'routes() (discovery link)' : k === 'findings' ? 'findings() (analysis link)' : k} | ${median(v)} |`), '');
  }
  return out;
}

async function main(): Promise<void> {
  const real = arg('--dir');
  const lines = [`# Analyzer benchmark`, '', `node ${process.version}, ${process.platform}/${process.arch}, ${(await import('node:os')).cpus().length} CPUs, ${new Date().toISOString()}`, ''];
  if (real) {
    lines.push(...await measure(path.resolve(real), `real project: ${path.basename(real)}`));
  } else {
    const root = mkdtempSync(path.join(tmpdir(), 'ep-bench-'));
    try {
      generate(root);
      lines.push(...await measure(root, `generated: ${FILES} files, ${(FILES - HELPER_MODULES) * HANDLERS_PER_FILE} handlers`, 'app/routes/m7.py'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((err) => { process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}\n`); process.exit(1); });
