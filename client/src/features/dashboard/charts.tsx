import { axisMax, sortPeriods, ticks } from './chart-scale';

// Hand-rolled SVG charts: two chart kinds do not justify a chart library's
// weight in the bundle. Each chart has a title and description for screen
// readers; the same numbers are in the table beside it.

const WIDTH = 720;
const HEIGHT = 280;
const M = { top: 16, right: 16, bottom: 78, left: 52 };
const PLOT_W = WIDTH - M.left - M.right;
const PLOT_H = HEIGHT - M.top - M.bottom;

export interface Bar {
  key: string | number;
  label: string;
  value: number | null;
  meets: boolean | null;
  /** Drawn wider and darker (the province). */
  emphasis?: boolean;
}

function YAxis({ max, format }: { max: number; format: (n: number) => string }) {
  return (
    <g className="p2-axis">
      {ticks(max).map((tick) => {
        const y = M.top + PLOT_H - (tick / max) * PLOT_H;
        return (
          <g key={tick}>
            <line x1={M.left} x2={M.left + PLOT_W} y1={y} y2={y} className="p2-grid" />
            <text x={M.left - 6} y={y + 4} textAnchor="end">
              {format(tick)}
            </text>
          </g>
        );
      })}
    </g>
  );
}

function TargetLine({ target, max, label }: { target: number | null; max: number; label: string }) {
  if (target === null) return null;
  const y = M.top + PLOT_H - (target / max) * PLOT_H;
  return (
    <g className="p2-target" data-testid="target-line">
      <line x1={M.left} x2={M.left + PLOT_W} y1={y} y2={y} />
      <text x={M.left + PLOT_W - 4} y={y - 5} textAnchor="end">
        {label}
      </text>
    </g>
  );
}

export function BarChart({ bars, target, cap = null, title, description, targetLabel, format }: { bars: Bar[]; target: number | null; cap?: number | null; title: string; description: string; targetLabel: string; format: (n: number) => string }) {
  const max = axisMax(bars.map((b) => b.value), target, cap);
  const slot = PLOT_W / Math.max(1, bars.length);
  const barW = Math.max(6, Math.min(48, slot * 0.7));
  return (
    <svg className="p2-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="p2-bar-title p2-bar-desc">
      <title id="p2-bar-title">{title}</title>
      <desc id="p2-bar-desc">{description}</desc>
      <YAxis max={max} format={format} />
      {bars.map((b, i) => {
        const x = M.left + i * slot + (slot - barW) / 2;
        const h = b.value === null ? 0 : (b.value / max) * PLOT_H;
        const cls = b.value === null ? 'p2-bar-none' : b.meets === null ? 'p2-bar-neutral' : b.meets ? 'p2-bar-meets' : 'p2-bar-below';
        return (
          <g key={b.key} className={b.emphasis ? 'p2-bar-emphasis' : undefined}>
            <rect x={x} y={M.top + PLOT_H - h} width={barW} height={Math.max(h, b.value === null ? 0 : 1)} className={cls}>
              <title>{`${b.label}: ${b.value === null ? '—' : format(b.value)}`}</title>
            </rect>
            <text x={x + barW / 2} y={M.top + PLOT_H - h - 4} textAnchor="middle" className="p2-bar-value">
              {b.value === null ? '—' : format(b.value)}
            </text>
            <text transform={`translate(${x + barW / 2}, ${M.top + PLOT_H + 10}) rotate(35)`} className="p2-bar-label">
              {b.label.length > 22 ? `${b.label.slice(0, 21)}…` : b.label}
            </text>
          </g>
        );
      })}
      <TargetLine target={target} max={max} label={targetLabel} />
    </svg>
  );
}

export interface Series {
  key: string | number;
  name: string;
  points: { period: string; value: number }[];
}

const SERIES_CLASSES = ['p2-series-0', 'p2-series-1', 'p2-series-2'];

export function TrendChart({ series, target, cap = null, title, description, targetLabel, format }: { series: Series[]; target: number | null; cap?: number | null; title: string; description: string; targetLabel: string; format: (n: number) => string }) {
  const periods = sortPeriods(series.flatMap((s) => s.points.map((p) => p.period)));
  const max = axisMax(series.flatMap((s) => s.points.map((p) => p.value)), target, cap);
  const step = PLOT_W / Math.max(1, periods.length);
  const x = (period: string) => M.left + step * periods.indexOf(period) + step / 2;
  const y = (value: number) => M.top + PLOT_H - (value / max) * PLOT_H;
  return (
    <svg className="p2-chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="p2-trend-title p2-trend-desc">
      <title id="p2-trend-title">{title}</title>
      <desc id="p2-trend-desc">{description}</desc>
      <YAxis max={max} format={format} />
      {periods.map((p) => (
        <text key={p} x={x(p)} y={M.top + PLOT_H + 18} textAnchor="middle" className="p2-bar-label">
          {p}
        </text>
      ))}
      <TargetLine target={target} max={max} label={targetLabel} />
      {series.map((s, i) => {
        const pts = sortPeriods(s.points.map((p) => p.period)).map((period) => s.points.find((p) => p.period === period)!);
        return (
          <g key={s.key} className={SERIES_CLASSES[i % SERIES_CLASSES.length]}>
            <polyline fill="none" points={pts.map((p) => `${x(p.period)},${y(p.value)}`).join(' ')} />
            {pts.map((p) => (
              <g key={p.period}>
                <circle cx={x(p.period)} cy={y(p.value)} r={4}>
                  <title>{`${s.name} ${p.period}: ${format(p.value)}`}</title>
                </circle>
                <text x={x(p.period) + 6} y={y(p.value) - 6} className="p2-bar-value">
                  {format(p.value)}
                </text>
              </g>
            ))}
          </g>
        );
      })}
      <g className="p2-legend">
        {series.map((s, i) => (
          <g key={s.key} transform={`translate(${M.left + i * 200}, ${HEIGHT - 14})`} className={SERIES_CLASSES[i % SERIES_CLASSES.length]}>
            <line x1={0} x2={18} y1={-4} y2={-4} />
            <text x={24} y={0}>
              {s.name}
            </text>
          </g>
        ))}
      </g>
    </svg>
  );
}
