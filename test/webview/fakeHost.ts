// A stand-in for VS Code's webview host: serves the real page (resultsHtml, same CSP) and the
// built dist/webview.js from 127.0.0.1, defines acquireVsCodeApi() to record what the panel
// posts and saves, and delivers host messages the way VS Code does (window 'message' events).
import { readFileSync, mkdirSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { HostMessage, PanelState, WebviewMessage } from '../../src/shared/protocol';
import { makeNonce, resultsHtml } from '../../src/vscode/resultsModel';
/** webview/charts.ts' DrawnAxis (that file needs the DOM library, which this side does not type-check against). */
export interface DrawnAxis {
  side: number;
  area: [number, number];
  labels: Array<{ text: string; x0: number; x1: number; y0: number; y1: number }>;
}

export interface DrawnAxes {
  width: number;
  height: number;
  axes: DrawnAxis[];
}

const ROOT = path.join(__dirname, '..', '..');
const ARTIFACTS = path.join(ROOT, '.test-artifacts', 'webview');
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Default Dark Modern's variables the panel reads (VS Code sets them on <html>). */
export const DARK: Readonly<Record<string, string>> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-editor-foreground': '#d4d4d4',
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editorWidget-border': '#454545',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-errorForeground': '#f85149',
  '--vscode-inputValidation-errorBackground': '#5a1d1d',
};

/** Default Light Modern's. */
export const LIGHT: Readonly<Record<string, string>> = {
  '--vscode-foreground': '#3b3b3b',
  '--vscode-editor-foreground': '#3b3b3b',
  '--vscode-editor-background': '#ffffff',
  '--vscode-descriptionForeground': '#717171',
  '--vscode-editorWidget-border': '#e5e5e5',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#388a34',
  '--vscode-charts-purple': '#652d90',
  '--vscode-charts-red': '#e51400',
  '--vscode-charts-yellow': '#bf8803',
  '--vscode-errorForeground': '#e51400',
  '--vscode-inputValidation-errorBackground': '#f2dede',
};

// Runs in the page before any of its scripts: the VS Code API stub, a dark theme's variables
// and a record of CSP violations (a violation must fail the test, not go unnoticed).
const INIT = `
window.__posted = []; window.__states = []; window.__csp = [];
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), setState: (s) => window.__states.push(s), getState: () => undefined });
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
document.addEventListener('DOMContentLoaded', () => {
  const vars = ${JSON.stringify({ ...DARK, '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px' })};
  for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
  document.body.classList.add('vscode-dark');
});
`;

export class FakeHost {
  private shot = 0;
  readonly errors: string[] = [];

  private constructor(
    private readonly server: http.Server,
    private readonly browser: Browser,
    readonly page: Page,
    /** Prefixes this page's screenshots, so two suites never overwrite each other's. */
    private readonly name: string,
  ) {}

  static async open(name: string): Promise<FakeHost> {
    mkdirSync(ARTIFACTS, { recursive: true });
    const script = readFileSync(path.join(ROOT, 'dist', 'webview.js'));
    let origin = '';
    const server = http.createServer((req, res) => {
      if (req.url === '/webview.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      } else if (req.url === '/') {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(resultsHtml({ cspSource: origin, scriptUri: `${origin}/webview.js`, nonce: makeNonce(), title: name }));
      } else {
        res.writeHead(req.url === '/favicon.ico' ? 204 : 404).end(); // the browser's own favicon probe is not the panel's
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    });
    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    page.setDefaultTimeout(10_000);
    const host = new FakeHost(server, browser, page, name);
    page.on('pageerror', (e) => host.errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') host.errors.push(m.text());
    });
    await page.addInitScript(INIT);
    await page.goto(`${origin}/`);
    return host;
  }

  async send(m: HostMessage): Promise<void> {
    await this.page.evaluate(`window.postMessage(${JSON.stringify(m)}, '*')`);
  }

  /** Switches to a light theme the way VS Code does (body class, then the variables). */
  lightTheme(): Promise<void> {
    return this.theme('vscode-light', LIGHT);
  }

  /** Back to the dark theme the page opened with. */
  darkTheme(): Promise<void> {
    return this.theme('vscode-dark', DARK);
  }

  private async theme(kind: string, vars: Readonly<Record<string, string>>): Promise<void> {
    await this.page.evaluate(`(() => {
      document.body.classList.remove('vscode-light', 'vscode-dark');
      document.body.classList.add(${JSON.stringify(kind)});
      for (const [k, v] of Object.entries(${JSON.stringify(vars)})) document.documentElement.style.setProperty(k, v);
    })()`);
  }

  /** The tick labels a chart drew (Chart writes them to data-axes after each draw). */
  async axes(testid: string): Promise<DrawnAxes> {
    const text = await this.page.getByTestId(testid).locator('.plot').getAttribute('data-axes');
    if (!text) throw new Error(`${testid} has drawn no axes`);
    return JSON.parse(text) as DrawnAxes;
  }

  /** Screenshot of the viewport only, at a given size (for README images). */
  async viewportShot(name: string, width: number, height: number): Promise<string> {
    await this.page.setViewportSize({ width, height });
    await this.page.evaluate('window.scrollTo(0, 0)');
    await this.page.waitForTimeout(300); // the charts follow the new width
    const file = path.join(ARTIFACTS, `${this.name}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  posted(): Promise<WebviewMessage[]> {
    return this.page.evaluate<WebviewMessage[]>('window.__posted');
  }

  states(): Promise<PanelState[]> {
    return this.page.evaluate<PanelState[]>('window.__states');
  }

  cspViolations(): Promise<string[]> {
    return this.page.evaluate<string[]>('window.__csp');
  }

  text(testid: string): Promise<string> {
    return this.page.getByTestId(testid).innerText();
  }

  /** Distinct colours drawn on a chart's canvas, and how many pixels are close to `near` (r,g,b). */
  async canvasColours(testid: string, near?: [number, number, number]): Promise<{ distinct: number; near: number }> {
    return this.page.evaluate<{ distinct: number; near: number }>(`(() => {
      const c = document.querySelector('[data-testid="${testid}"] canvas');
      if (!c || c.width === 0) return { distinct: 0, near: 0 };
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const seen = new Set(); let near = 0; const t = ${JSON.stringify(near ?? null)};
      for (let i = 0; i < d.length; i += 4) {
        if (d[i + 3] === 0) continue;
        seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        if (t && Math.abs(d[i] - t[0]) < 40 && Math.abs(d[i + 1] - t[1]) < 40 && Math.abs(d[i + 2] - t[2]) < 40) near++;
      }
      return { distinct: seen.size, near };
    })()`);
  }

  /** Polls until a chart shows at least `min` colours (uPlot draws on a microtask after setData), up to 5 s. */
  async drawnColours(testid: string, min = 3): Promise<number> {
    const until = Date.now() + 5_000;
    let distinct = 0;
    while (Date.now() < until) {
      distinct = (await this.canvasColours(testid)).distinct;
      if (distinct >= min) break;
      await this.page.waitForTimeout(100);
    }
    return distinct;
  }

  async screenshot(name: string): Promise<void> {
    this.shot++;
    await this.page.screenshot({
      path: path.join(ARTIFACTS, `${this.name}-${String(this.shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  }

  async close(): Promise<void> {
    await this.browser.close();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
