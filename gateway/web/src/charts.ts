import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import { h } from './dom.js';

export interface SeriesSpec {
  label: string;
  colour: string;
  /** Scale key; series on a second scale get their own axis on the right. */
  scale?: string;
  /** Points without connecting lines (measured data beside a fit). */
  pointsOnly?: boolean;
}

export interface ChartSpec {
  id: string;
  title: string;
  xLabel: string;
  /** Axis label per scale key; the first key is the left axis. */
  axes: Record<string, string>;
  series: SeriesSpec[];
  /** Scale keys drawn on a log axis (values must be positive). */
  logScales?: string[];
  height?: number;
}

/**
 * A line chart over uPlot that takes whole data sets or appended points and
 * keeps its width in step with its container. `data-points` on the element
 * is the number of x values drawn, for tests and for a reader of the DOM.
 */
export class LineChart {
  readonly element: HTMLElement;
  private readonly plot: uPlot;
  private x: number[] = [];
  private ys: (number | null)[][];

  constructor(spec: ChartSpec) {
    this.element = h('div', { class: 'chart', id: spec.id, 'data-points': 0 });
    this.ys = spec.series.map(() => []);
    const scaleKeys = Object.keys(spec.axes);

    const options: uPlot.Options = {
      title: spec.title,
      width: 600,
      height: spec.height ?? 260,
      scales: {
        x: { time: false },
        ...Object.fromEntries(scaleKeys.map((key) => [key, spec.logScales?.includes(key) ? { distr: 3 } : {}])),
      },
      axes: [
        { label: spec.xLabel },
        ...scaleKeys.map((key, index) => ({
          scale: key,
          label: spec.axes[key],
          side: index === 0 ? 3 : 1,
          grid: { show: index === 0 },
          // A log axis puts a tick at every 2…9 × 10^n; only the labelled ones are drawn.
          ticks: { show: !spec.logScales?.includes(key) },
          size: 70,
        })),
      ],
      series: [
        { label: spec.xLabel },
        ...spec.series.map((series) => ({
          label: series.label,
          stroke: series.colour,
          scale: series.scale ?? scaleKeys[0],
          width: 2,
          spanGaps: true,
          ...(series.pointsOnly ? { paths: () => null, points: { show: true, size: 8, fill: series.colour } } : { points: { show: false } }),
        })),
      ],
      legend: { live: false },
    };
    this.plot = new uPlot(options, [[], ...this.ys] as uPlot.AlignedData, this.element);
    new ResizeObserver(() => this.fitWidth()).observe(this.element);
  }

  /** Replaces the data: x values and one array per series (null leaves a gap). */
  setData(x: number[], ys: (number | null)[][]): void {
    this.x = [...x];
    this.ys = ys.map((values) => [...values]);
    this.redraw();
  }

  /** Appends points: one x value and one y per series for each. */
  append(x: number[], ys: (number | null)[][]): void {
    this.x.push(...x);
    ys.forEach((values, series) => this.ys[series].push(...values));
    this.redraw();
  }

  clear(): void {
    this.setData([], this.ys.map(() => []));
  }

  get points(): number {
    return this.x.length;
  }

  private redraw(): void {
    this.plot.setData([this.x, ...this.ys] as uPlot.AlignedData);
    this.element.dataset.points = String(this.x.length);
  }

  private fitWidth(): void {
    const width = this.element.clientWidth;
    if (width > 0 && Math.abs(width - this.plot.width) > 1) this.plot.setSize({ width, height: this.plot.height });
  }
}
