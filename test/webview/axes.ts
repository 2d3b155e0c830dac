// What "readable" means for a chart's axes, checked on the tick-label boxes each chart records
// after drawing (data-axes): shared by the results and compare panel tests.
import assert from 'node:assert/strict';
import type { DrawnAxes } from './fakeHost';

/** Every axis: labels, none empty or repeated, no two overlapping, none outside the canvas or its axis band. */
export function assertReadable(name: string, chart: string, drawn: DrawnAxes): void {
  for (const axis of drawn.axes) {
    const where = `${name} ${chart} axis side ${axis.side}`;
    const texts = axis.labels.map((l) => l.text);
    assert.ok(texts.length >= 2, `${where}: ${JSON.stringify(texts)} — at least two labels`);
    assert.equal(new Set(texts).size, texts.length, `${where}: a label repeats in ${JSON.stringify(texts)}`);
    const horizontal = axis.side === 0 || axis.side === 2;
    const sorted = [...axis.labels].sort((a, b) => (horizontal ? a.x0 - b.x0 : a.y0 - b.y0));
    sorted.forEach((l, i) => {
      assert.ok(l.x0 >= 0 && l.x1 <= drawn.width, `${where}: "${l.text}" [${l.x0}, ${l.x1}] clipped by the canvas`);
      if (axis.side === 3) assert.ok(l.x0 >= axis.area[0] - 0.5, `${where}: "${l.text}" wider than its axis`);
      if (i === 0) return;
      const prev = sorted[i - 1];
      const gap = horizontal ? l.x0 - prev.x1 : l.y0 - prev.y1;
      assert.ok(gap >= 2, `${where}: "${prev.text}" and "${l.text}" overlap (gap ${gap.toFixed(1)} px)`);
    });
  }
}
