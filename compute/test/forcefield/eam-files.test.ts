import { describe, expect, test } from 'vitest';

import { interpolateSpline, KernelInputError, parseEamFs, parseFuncfl, parseSetfl } from '../../src/index.js';

/** A synthetic funcfl file: F(ρ) = −√ρ, Z(r) = e^{−r}, f(r) = e^{−2r}, on 20-point grids. */
function funcflText(): string {
  const grid = (n: number, delta: number, fn: (x: number) => number) => Array.from({ length: n }, (_, m) => fn(m * delta).toExponential(16));
  const lines = ['synthetic test element', '29 63.55 3.615 FCC', '20 0.1 20 0.25 4.5'];
  lines.push(grid(20, 0.1, (rho) => -Math.sqrt(rho)).join(' '));
  const zr = grid(20, 0.25, (r) => Math.exp(-r));
  lines.push(zr.slice(0, 7).join(' '), zr.slice(7).join(' '));
  lines.push(grid(20, 0.25, (r) => Math.exp(-2 * r)).join('  '));
  return `${lines.join('\n')}\n`;
}

function setflText(fs: boolean): string {
  const values = (n: number, v: number) => Array.from({ length: n }, (_, m) => (v + 0.01 * m).toFixed(4)).join(' ');
  const lines = ['c1', 'c2', 'c3', '2 Ni Cu', '10 0.5 10 0.5 4.0'];
  for (const z of [28, 29]) {
    lines.push(`${z} 60.0 3.5 fcc`, values(10, -1));
    for (let k = 0; k < (fs ? 2 : 1); k++) lines.push(values(10, 0.1 * (k + 1)));
  }
  for (let p = 0; p < 3; p++) lines.push(values(10, p));
  return `${lines.join('\n')}\n`;
}

describe('parseFuncfl', () => {
  test('regrids onto one point fewer', () => {
    const eam = parseFuncfl(funcflText());
    expect(eam.elements).toEqual(['Cu']);
    expect(eam.masses).toEqual([63.55]);
    expect(eam.nrho).toBe(19);
    expect(eam.nr).toBe(19);
    expect(eam.rhomax).toBeCloseTo(1.9, 14);
  });

  test('builds r·phi from effective charges', () => {
    const eam = parseFuncfl(funcflText());
    // Knot m at r = m·dr holds 27.2·0.529·Z(r)²; knot 4 is r = 1.0, an exact grid point.
    expect(eam.z2r[4 * 7 + 6]).toBeCloseTo(27.2 * 0.529 * Math.exp(-2), 12);
  });

  test('names the line of a bad number', () => {
    const text = funcflText().split('\n');
    text[3] = text[3].replace(/^\S+/, 'abc');
    expect(() => parseFuncfl(text.join('\n'), ['bad.eam'])).toThrow(/bad\.eam line 4.*"abc"/);
  });

  test('reports a truncated file', () => {
    const text = funcflText().split('\n').slice(0, 5).join('\n');
    expect(() => parseFuncfl(text)).toThrow(KernelInputError);
  });
});

describe('parseSetfl and parseEamFs', () => {
  test('setfl maps density by neighbour element', () => {
    const eam = parseSetfl(setflText(false));
    expect(eam.elements).toEqual(['Ni', 'Cu']);
    expect(Array.from(eam.densityIndex)).toEqual([0, 1, 0, 1]);
    expect(Array.from(eam.pairIndex)).toEqual([0, 1, 1, 2]);
  });

  test('eam/fs takes block of neighbour, sub-function of host', () => {
    const eam = parseEamFs(setflText(true));
    // Density at a from b is rhor block b, sub-function a: index b·S + a.
    expect(Array.from(eam.densityIndex)).toEqual([0, 2, 1, 3]);
    expect(eam.rhor.length).toBe(4 * 10 * 7);
  });

  test('names the line of a short grid header', () => {
    const text = setflText(false).replace('10 0.5 10 0.5 4.0', '10 0.5 10');
    expect(() => parseSetfl(text, 'short.eam.alloy')).toThrow(/short\.eam\.alloy line 5/);
  });
});

test('spline reproduces knot values and slopes of a cubic', () => {
  const delta = 0.1;
  const values = Array.from({ length: 12 }, (_, m) => (m * delta) ** 2);
  const spline = new Float64Array(12 * 7);
  interpolateSpline(values, delta, spline, 0);
  for (let m = 2; m < 9; m++) {
    expect(spline[m * 7 + 6]).toBe(values[m]);
    // Interior slopes of x² are exact under the 5-point difference: 2x.
    expect(spline[m * 7 + 2]).toBeCloseTo(2 * m * delta, 12);
  }
});
