// Page object for the VS Code workbench served by code-server: only keyboard routes a user
// has (F1, Ctrl+G, Ctrl+Shift+M), so the test exercises what a user would do.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export class Workbench {
  private shot = 0;

  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    private readonly artifacts: string,
  ) {}

  static async open(url: string, artifacts: string): Promise<Workbench> {
    mkdirSync(artifacts, { recursive: true });
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(30_000);
    await page.goto(url, { timeout: 60_000 });
    await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
    return new Workbench(browser, page, artifacts);
  }

  /** A numbered screenshot in the artifacts folder, kept for a human to look at. */
  async screenshot(name: string): Promise<void> {
    this.shot++;
    await this.page.screenshot({
      path: path.join(this.artifacts, `${String(this.shot).padStart(2, '0')}-${name}.png`),
    });
  }

  private get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** F1, the command's full title, Enter: the way a user runs a command from the palette. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.quickInput.locator('input');
    await input.waitFor();
    await input.fill(`>${title}`);
    await this.quickInput.locator('.monaco-list-row', { hasText: title }).first().waitFor();
    await this.page.keyboard.press('Enter');
  }

  /**
   * Runs a command that may ask one question first: if a quick pick opens within a few
   * seconds (and is not the palette itself), its pre-selected item is confirmed with Enter.
   */
  async runCommandConfirmingOnce(title: string): Promise<void> {
    await this.runCommand(title);
    const input = this.quickInput.locator('input');
    const until = Date.now() + 5_000;
    while (Date.now() < until) {
      if ((await this.quickInput.isVisible()) && !(await input.inputValue()).startsWith('>')) {
        await this.page.keyboard.press('Enter');
        return;
      }
      await this.page.waitForTimeout(200);
    }
  }

  /** Types `text` into the input box titled `title` (wait for it: a picker may be closing) and presses Enter. */
  async answerInput(text: string, title: string): Promise<void> {
    await this.quickInput.locator('.quick-input-title', { hasText: title }).waitFor({ timeout: 30_000 });
    const input = this.quickInput.locator('input');
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** Waits for a quick-pick item containing `text` (a command's picker, after whatever it does first) and chooses it. */
  async pick(text: string, timeoutMs = 30_000): Promise<void> {
    const row = this.quickInput.locator('.monaco-list-row', { hasText: text }).first();
    await row.waitFor({ timeout: timeoutMs });
    await row.click();
  }

  /**
   * Waits for a quick-pick item containing `text`, then clicks into the editor area (a webview
   * there takes focus back late, as after the palette closes) and lets the picker settle.
   */
  async clickAwayFrom(text: string): Promise<void> {
    await this.quickInput.locator('.monaco-list-row', { hasText: text }).first().waitFor();
    const editor = this.page.locator('.monaco-workbench .part.editor');
    const box = await editor.boundingBox();
    if (!box) throw new Error('no editor area to click');
    await this.page.mouse.click(box.x + 40, box.y + box.height - 40);
    await this.page.waitForTimeout(500);
  }

  /**
   * Brings a workspace file into the editor: a click on its tab when it is open (keys would go
   * to a focused webview), else quick open (Ctrl+P).
   */
  async openFile(name: string): Promise<void> {
    const tab = this.page.locator('.tab', { hasText: name });
    if ((await tab.count()) > 0) {
      await tab.first().click();
      await this.page.locator('.tab.active', { hasText: name }).waitFor();
      return;
    }
    await this.page.keyboard.press('Control+P');
    const input = this.quickInput.locator('input');
    await input.waitFor();
    await input.fill(name);
    await this.quickInput.locator('.monaco-list-row', { hasText: name }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tab.active', { hasText: name }).waitFor();
    await this.page.locator('.monaco-editor .view-lines').first().waitFor();
  }

  /** Ctrl+G: puts the cursor at the start of a (1-based) line of the active editor. */
  async goToLine(line: number): Promise<void> {
    await this.page.locator('.monaco-editor .view-lines').first().click();
    await this.page.keyboard.press('Control+G');
    const input = this.quickInput.locator('input');
    await input.waitFor();
    await input.fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    await this.quickInput.waitFor({ state: 'hidden' });
    await this.page.locator('.statusbar', { hasText: `Ln ${line},` }).waitFor();
  }

  /** Ctrl+. at the cursor, then the quick fix titled `title`. */
  async applyQuickFix(title: string): Promise<void> {
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    // A menu opened before the file's diagnostics arrived lists no fix and is not refreshed: close it and ask
    // again (up to 30 s in all), as a user would
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Control+.');
      try {
        await rows.filter({ hasText: title }).first().waitFor({ timeout: 5_000 });
        break;
      } catch (error) {
        if (attempt >= 6) throw error;
        await this.page.keyboard.press('Escape');
      }
    }
    // Keyboard, not a click: the widget sits under a pointer-blocking overlay.
    for (
      let i = await rows.count();
      i > 0 &&
      !(await rows
        .filter({ hasText: title })
        .first()
        .evaluate((e) => e.classList.contains('focused')));
      i--
    ) {
      await this.page.keyboard.press('ArrowDown');
    }
    await this.page.keyboard.press('Enter');
    await this.page.locator('.action-widget').waitFor({ state: 'hidden' });
  }

  /**
   * Ctrl+S if the active tab has unsaved changes, then waits until it has none. Edits from
   * quick fixes may already be saved by VS Code itself (`files.refactoring.autoSave`).
   */
  async save(): Promise<void> {
    const dirty = this.page.locator('.tab.active.dirty');
    if (await dirty.isVisible()) await this.page.keyboard.press('Control+S');
    await dirty.waitFor({ state: 'detached' });
  }

  /** Opens the Problems panel (Ctrl+Shift+M) and returns its rows' text once a row at `line` shows. */
  async problemsOnceLineShows(line: number): Promise<string[]> {
    if (!(await this.page.locator('.markers-panel').isVisible())) await this.page.keyboard.press('Control+Shift+M');
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    await rows
      .filter({ hasText: `[Ln ${line}, ` })
      .first()
      .waitFor({ timeout: 60_000 });
    return rows.allTextContents();
  }

  /**
   * The frame (of the nested webview iframes) holding `selector`, waiting for it to appear;
   * frames in `except` (e.g. those open before a command) are not considered.
   */
  async webviewFrameWith(selector: string, timeoutMs = 60_000, except: ReadonlySet<Frame> = new Set()): Promise<Frame> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame() || except.has(frame)) continue;
        if (await frame.$(selector).catch(() => null)) return frame;
      }
      await this.page.waitForTimeout(250);
    }
    throw new Error(`no webview frame shows ${selector} after ${timeoutMs} ms`);
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => {
      /* already gone */
    });
  }
}
