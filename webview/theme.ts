// Chart colours come from the VS Code theme's CSS variables, read at draw time: canvas cannot
// use var(), so charts are rebuilt whenever the colours those variables resolve to change.

export interface Palette {
  foreground: string;
  grid: string;
  series: string[];
  font: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readPalette(): Palette {
  const s = getComputedStyle(document.body);
  const foreground = cssVar(s, '--vscode-editor-foreground', cssVar(s, '--vscode-foreground', '#cccccc'));
  return {
    foreground,
    grid: cssVar(s, '--vscode-editorWidget-border', cssVar(s, '--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    series: [
      cssVar(s, '--vscode-charts-blue', '#3794ff'),
      cssVar(s, '--vscode-charts-orange', '#d18616'),
      cssVar(s, '--vscode-charts-green', '#89d185'),
      cssVar(s, '--vscode-charts-purple', '#b180d7'),
      cssVar(s, '--vscode-charts-red', '#f14c4c'),
      // Not the theme's yellow: Light Modern's (#bf8803) is its orange to the eye (CIE ΔE ≈ 10), so
      // two runs looked the same. Then hues of similar weight, so up to 10 runs never look alike
      // (every pair ΔE ≥ 20 in the Dark and Light Modern themes; test/webview/compare-themes.test.ts).
      '#2bb5a8',
      '#e0609a',
      '#9e9d24',
      '#a0784e',
      '#8c8c8c',
    ],
    font: `${cssVar(s, '--vscode-font-size', '12px')} ${cssVar(s, '--vscode-font-family', 'sans-serif')}`,
  };
}

/**
 * Calls `onChange` when a theme switch changes the chart colours. VS Code marks the theme on
 * <body> (class vscode-light / vscode-dark / vscode-high-contrast, data-vscode-theme-kind,
 * data-vscode-theme-id) and rewrites the --vscode-* variables in <html>'s style attribute; a
 * switch between two themes of the same kind changes only the id and the variables. Each batch
 * of those mutations re-reads the palette and calls back only if it differs, so style churn
 * that leaves the chart colours alone (other variables) rebuilds nothing.
 */
export function watchTheme(onChange: () => void): void {
  let last = JSON.stringify(readPalette());
  const observer = new MutationObserver(() => {
    const now = JSON.stringify(readPalette());
    if (now === last) return;
    last = now;
    onChange();
  });
  observer.observe(document.body, {
    attributes: true,
    attributeFilter: ['class', 'data-vscode-theme-kind', 'data-vscode-theme-id'],
  });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}

/** Same colour with an alpha, for filled areas; colours that are not #rrggbb pass through. */
export function withAlpha(colour: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(colour);
  if (!m) return colour;
  const n = parseInt(m[1], 16);
  return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${alpha})`;
}
