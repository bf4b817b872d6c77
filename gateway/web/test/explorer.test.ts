import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { seedDemo } from '../../src/demo.js';
import { startStack, type Stack } from '../../test/stack.js';

// End-to-end tests of SciFed Explorer in Debian's headless Chromium against
// every subgraph and the gateway on 127.0.0.1, loaded with the demo data set.
// Each view is saved as a PNG under gateway/web/test-output/; with
// SCIFED_UPDATE_SCREENSHOTS=1 the same images replace docs/screenshots/.

const CHROMIUM = '/usr/bin/chromium';
const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_DIR = path.resolve(WEB_DIR, '../..');
const DIST_INDEX = path.join(WEB_DIR, 'dist/index.html');
const OUTPUT_DIR = path.join(WEB_DIR, 'test-output');
const DOCS_DIR = path.join(REPO_DIR, 'docs/screenshots');
const VIEWPORT = { width: 1280, height: 860 };

/** Newest modification time, ms, of a file or of any file below a folder. */
function newestChange(target: string): number {
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(target).map((name) => newestChange(path.join(target, name))));
}

/** Builds the page with Vite when dist is missing or older than its sources. */
async function ensureBuilt(): Promise<void> {
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((name) => path.join(WEB_DIR, name));
  sources.push(path.join(REPO_DIR, 'schema/supergraph.graphql'));
  if (existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= Math.max(...sources.map(newestChange))) return;
  await build({ configFile: path.join(WEB_DIR, 'vite.config.ts'), logLevel: 'warn' });
}

/** Writes a 2×2×2 fcc Cu cell (a = 3.615 Å) as extended XYZ, every atom moved by up to 0.08 Å along a fixed pattern. */
function rattledCopper(): string {
  const a = 3.615;
  const basis = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]];
  const lines: string[] = [];
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++)
      for (let k = 0; k < 2; k++)
        for (const [u, v, w] of basis) {
          const n = lines.length;
          const shift = [0.08 * Math.sin(n), 0.08 * Math.cos(1.7 * n), 0.08 * Math.sin(2.3 * n + 1)];
          lines.push(`Cu ${((i + u) * a + shift[0]).toFixed(6)} ${((j + v) * a + shift[1]).toFixed(6)} ${((k + w) * a + shift[2]).toFixed(6)}`);
        }
  const length = 2 * a;
  return [`${lines.length}`, `Lattice="${length} 0 0 0 ${length} 0 0 0 ${length}" Properties=species:S:1:pos:R:3 pbc="T T T"`, ...lines].join('\n');
}

/** Unit vectors in 3D with a kind, for the vector-search form. */
const VECTOR_ROWS = [
  { id: 'x', kind: 'metal', embedding: [1, 0, 0] },
  { id: 'xy', kind: 'metal', embedding: [0.8, 0.6, 0] },
  { id: 'y', kind: 'oxide', embedding: [0, 1, 0] },
  { id: 'z', kind: 'metal', embedding: [0, 0, 1] },
];

describe.skipIf(!existsSync(CHROMIUM))(`SciFed Explorer in ${CHROMIUM}`, () => {
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let profileDir: string;
  const requests: string[] = [];
  const pageErrors: string[] = [];

  const screenshot = async (view: string) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(OUTPUT_DIR, `${view}.png`), fullPage: true });
    if (process.env.SCIFED_UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: path.join(DOCS_DIR, `${view}.png`), fullPage: true });
  };

  const api = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const { body } = await stack.request<T>(query, variables);
    expect(body.errors).toBeUndefined();
    return body.data as T;
  };

  beforeAll(async () => {
    await ensureBuilt();
    mkdirSync(OUTPUT_DIR, { recursive: true });
    if (process.env.SCIFED_UPDATE_SCREENSHOTS === '1') mkdirSync(DOCS_DIR, { recursive: true });

    stack = await startStack();
    origin = new URL(stack.gateway.url).origin;
    await seedDemo(stack.gateway.url);
    await api(`mutation { createTable(input: { name: "directions", primaryKey: "id", columns: [
      { name: "id", type: VARCHAR }, { name: "kind", type: VARCHAR }, { name: "embedding", type: VECTOR, dimension: 3 } ] }) { name } }`);
    await api('mutation ($rows: [JSON!]!) { insertRows(table: "directions", rows: $rows) { inserted } }', { rows: VECTOR_ROWS });
    await api('mutation { createVectorIndex(input: { table: "directions", column: "embedding", metric: COSINE }) { size } }');

    profileDir = mkdtempSync(path.join(tmpdir(), 'scifed-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: VIEWPORT,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${origin}/`);
    await page.waitForSelector('body[data-ready="true"]');
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await stack?.stop();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  it('loads every asset from the gateway itself', () => {
    const foreign = requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'));
    expect(foreign).toEqual([]);
    expect(requests.some((url) => url.startsWith(`${origin}/assets/`))).toBe(true);
  });

  it('material view labels each section with its subgraph', async () => {
    await page.fill('#material-formula', 'Ni3Al');
    await page.click('#material-lookup');
    await page.waitForSelector('#material-reduced:text("AlNi3")');
    expect(await page.getAttribute('#material-rows', 'data-count')).toBe('1');

    await page.fill('#material-formula', 'Cu');
    await page.click('#material-lookup');
    await page.waitForSelector('#material-reduced:text("Cu")');
    const sections = await page.$$eval('#material-results article', (cards) => cards.map((card) => [card.id, card.getAttribute('data-subgraph'), card.getAttribute('data-count')]));
    expect(sections).toEqual([
      ['material-structures', 'materials', '1'],
      ['material-papers', 'literature', '2'],
      ['material-rows', 'data', '2'],
      ['material-memories', 'memory', '1'],
    ]);
    expect(await page.textContent('#material-papers')).toContain('Energy conservation in molecular dynamics of fcc Cu');
    await screenshot('material');
  });

  it('imports a structure and evaluates it with force arrows', async () => {
    await page.click('#tab-structure');
    await page.selectOption('#import-format', 'EXTXYZ');
    await page.fill('#import-name', 'cu-rattled.xyz');
    await page.fill('#import-content', rattledCopper());
    await page.click('#import-submit');
    await page.waitForSelector('#import-status[data-kind="ok"]');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#structure-viewer')!.dataset.atoms === '32');
    expect(await page.$eval('#structure-structure option:checked', (option) => option.textContent)).toContain('cu-rattled.xyz');
    expect(await page.$eval('#structure-potential option:checked', (option) => option.textContent)).toContain('Zhou2004 Cu');

    await page.click('#evaluate');
    await page.waitForSelector('#evaluation-energy');
    const structureId = await page.$eval('#structure-structure', (select) => (select as HTMLSelectElement).value);
    const potentialId = await page.$eval('#structure-potential', (select) => (select as HTMLSelectElement).value);
    const { evaluate } = await api<{ evaluate: { energy: number; maxForce: number } }>(
      'query ($s: ID!, $p: ID!) { evaluate(structureId: $s, potentialId: $p) { energy maxForce } }',
      { s: structureId, p: potentialId },
    );
    const shownEnergy = parseFloat((await page.textContent('#evaluation-energy'))!);
    const shownMaxForce = parseFloat((await page.textContent('#evaluation-fmax'))!);
    expect(shownEnergy).toBeCloseTo(evaluate.energy, 5);
    expect(shownMaxForce).toBeCloseTo(evaluate.maxForce, 5);
    expect(evaluate.maxForce).toBeGreaterThan(0.01);
    // Every one of the 32 rattled atoms feels a force above the arrow threshold.
    expect(await page.getAttribute('#structure-viewer', 'data-arrows')).toBe('32');
    expect(await page.$$eval('#largest-forces tbody tr', (rows) => rows.length)).toBe(10);
    await screenshot('structure');

    // A drag rotates and the wheel zooms: the drawn frame must change each time.
    const canvas = page.locator('#structure-viewer canvas');
    const box = (await canvas.boundingBox())!;
    const initial = await canvas.screenshot();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 40, { steps: 8 });
    await page.mouse.up();
    const rotated = await canvas.screenshot();
    expect(rotated.equals(initial)).toBe(false);
    await page.mouse.wheel(0, -400);
    await page.waitForTimeout(200);
    const zoomed = await canvas.screenshot();
    expect(zoomed.equals(rotated)).toBe(false);
  });

  it('runs an MD job with relaxation and equation of state', async () => {
    await page.click('#tab-simulation');
    expect(await page.$eval('#simulation-structure option:checked', (option) => option.textContent)).toContain('cu-rattled.xyz');
    await page.fill('#md-steps', '2000');
    await page.fill('#md-sample-every', '20');
    await page.click('#md-start');
    await page.waitForSelector('#md-panel[data-status]', { timeout: 60_000 });
    expect(await page.getAttribute('#md-panel', 'data-status')).toBe('COMPLETED');
    // Frames at steps 0, 20, ..., 2000.
    expect(await page.getAttribute('#md-energy-chart', 'data-points')).toBe('101');
    expect(await page.getAttribute('#md-temperature-chart', 'data-points')).toBe('101');
    expect(await page.$eval('#md-progress', (bar) => (bar as HTMLProgressElement).value)).toBe(1);

    await page.click('#relax-start');
    await page.waitForSelector('#relax-status[data-kind="ok"]', { timeout: 60_000 });
    expect(await page.textContent('#relax-status')).toMatch(/^Converged after \d+ steps/);
    expect(Number(await page.getAttribute('#relax-chart', 'data-points'))).toBeGreaterThan(1);

    await page.click('#eos-start');
    await page.waitForSelector('#eos-status[data-kind="ok"]', { timeout: 60_000 });
    // The nine strains plus the 60 volumes of the fitted curve.
    expect(Number(await page.getAttribute('#eos-chart', 'data-points'))).toBeGreaterThanOrEqual(60);
    await screenshot('simulation');
  });

  it('updates the MD chart while a job runs and cancels it', async () => {
    await page.fill('#md-steps', '1000000');
    await page.fill('#md-sample-every', '50');
    await page.click('#md-start');
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('#md-panel')!.dataset.liveUpdates) >= 2, null, { timeout: 60_000 });
    const pointsWhileRunning = Number(await page.getAttribute('#md-energy-chart', 'data-points'));
    expect(pointsWhileRunning).toBeGreaterThan(1);

    await page.click('#md-cancel');
    await page.waitForSelector('#md-panel[data-status="CANCELLED"]');
    const points = Number(await page.getAttribute('#md-energy-chart', 'data-points'));
    expect(points).toBeGreaterThanOrEqual(pointsWhileRunning);
    expect(points).toBeLessThan(1_000_000 / 50 + 1);
  });

  it('asks a question and opens a cited passage', async () => {
    await page.click('#tab-literature');
    await page.fill('#ask-question', 'What is the bulk modulus of copper?');
    await page.click('#ask-submit');
    await page.waitForSelector('#answer button.citation');
    await page.click('#search-submit');
    await page.waitForSelector('#search-results li');

    const citation = page.locator('#answer button.citation', { hasText: '[1]' }).first();
    const label = (await citation.getAttribute('title'))!;
    const [, paperId, start, end] = /^(\S+), characters (\d+)–(\d+)$/.exec(label)!;
    await citation.click();
    await page.waitForSelector('#passage-mark');
    const { paper } = await api<{ paper: { abstract: string } }>('query ($id: ID!) { paper(id: $id) { abstract } }', { id: paperId });
    expect(await page.textContent('#passage-mark')).toBe(paper.abstract.slice(Number(start), Number(end)));
    expect(await page.textContent('#passage-text')).toContain(paper.abstract.slice(Number(start), Number(end)));
    await screenshot('literature');
  });

  it('runs SQL and a filtered vector search', async () => {
    await page.click('#tab-data');
    await page.fill('#sql-query', 'SELECT property, value FROM properties WHERE formula = $1 ORDER BY value');
    await page.fill('#sql-params', '["Cu"]');
    await page.click('#sql-run');
    await page.waitForSelector('#sql-table');
    expect(await page.$$eval('#sql-table tbody tr', (rows) => rows.map((row) => Array.from((row as HTMLTableRowElement).cells, (cell) => cell.textContent)))).toEqual([
      ['lattice constant', '3.615'],
      ['bulk modulus', '138.2'],
    ]);

    await page.selectOption('#vector-table', 'directions');
    await page.fill('#vector-values', '1, 0.1, 0');
    await page.fill('#vector-k', '3');
    await page.fill('#vector-where', 'kind = $1');
    await page.fill('#vector-params', '["metal"]');
    await page.click('#vector-run');
    await page.waitForSelector('#vector-table-result');
    // Cosine order from [1, 0.1, 0] among the metal rows: x, then xy, then z.
    expect(await page.$$eval('#vector-table-result tbody tr', (rows) => rows.map((row) => (row as HTMLTableRowElement).cells[0].textContent))).toEqual(['x', 'xy', 'z']);
    expect(await page.textContent('#vector-status')).toMatch(/3 hits by \w+ over 3 candidates/);
    await screenshot('data');
  });

  it('raises no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
