/**
 * The stats overlay (issue 11 §2): per-stage frame timing, drop counters and 60 s uPlot charts of
 * fps (source, sent, painted), frame age at paint p50/p95, decode, RTT, bandwidth and drops, plus
 * "Copy stats" (a JSON snapshot for bug reports). Loaded with import() when first opened, so
 * neither it nor uPlot is in the first-load bundle; it samples only while mounted (sampler.ts).
 */
import { createEffect, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { KvmSession } from '../../lib/session.ts';
import { STAGES, type Stage } from '../../video/timing.ts';
import type { VideoClient, VideoStats } from '../../video/video-client.ts';
import { makeSampler, snapshot, type Sample } from './sampler.ts';
import './stats.css';

const STAGE_LABEL: Record<Stage, string> = {
  grab: 'Source grab',
  encode: 'Source encode',
  toBridge: 'Capture → bridge',
  relay: 'Bridge relay',
  network: 'Network',
  queue: 'Page queue',
  decode: 'Decode',
  draw: 'Draw',
  present: 'Present',
  total: 'Age at paint',
};
/** Stages only a source with its own capture times (captureSource 1, uStreamer) can fill. */
const SOURCE_STAGES: readonly Stage[] = ['grab', 'encode', 'toBridge'];

type Series = { label: string; key: keyof Sample; stroke: string; scale: string };
const CHARTS: { title: string; series: Series[]; axes: { scale: string; label: string; side: 1 | 3 }[] }[] = [
  {
    title: 'Frames per second',
    series: [
      { label: 'source', key: 'sourceFps', stroke: '#888', scale: 'fps' },
      { label: 'sent', key: 'sentFps', stroke: '#4a9eff', scale: 'fps' },
      { label: 'painted', key: 'distinctPaintFps', stroke: '#3c3', scale: 'fps' },
    ],
    axes: [{ scale: 'fps', label: 'fps', side: 3 }],
  },
  {
    title: 'Times (ms)',
    series: [
      { label: 'age p50', key: 'ageP50', stroke: '#3c3', scale: 'ms' },
      { label: 'age p95', key: 'ageP95', stroke: '#e93', scale: 'ms' },
      { label: 'decode p50', key: 'decodeP50', stroke: '#4a9eff', scale: 'ms' },
      { label: 'RTT', key: 'rttMs', stroke: '#c6c', scale: 'ms' },
    ],
    axes: [{ scale: 'ms', label: 'ms', side: 3 }],
  },
  {
    title: 'Bandwidth and drops',
    series: [
      { label: 'Mbit/s', key: 'mbps', stroke: '#4a9eff', scale: 'mbps' },
      { label: 'skipped/s', key: 'skippedPerS', stroke: '#e93', scale: 'drops' },
      { label: 'replaced/s', key: 'replacedPerS', stroke: '#c6c', scale: 'drops' },
      { label: 'errors/s', key: 'decodeErrorsPerS', stroke: '#e33', scale: 'drops' },
    ],
    axes: [
      { scale: 'mbps', label: 'Mbit/s', side: 3 },
      { scale: 'drops', label: 'drops/s', side: 1 },
    ],
  },
];

const CHART_WIDTH = 440;
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');

/** A uPlot chart over `history`, redrawn by `update()`. */
function makeChart(
  el: HTMLElement,
  spec: (typeof CHARTS)[number],
): { update(h: readonly Sample[]): void; destroy(): void } {
  const opts: uPlot.Options = {
    width: CHART_WIDTH,
    height: 110,
    legend: { show: true, live: false },
    cursor: { show: false },
    scales: {
      x: { time: true },
      ...Object.fromEntries(spec.axes.map((a) => [a.scale, { range: (_u, _min, max) => [0, Math.max(1, max)] }])),
    },
    axes: [
      {
        stroke: '#aaa',
        grid: { stroke: '#333' },
        ticks: { stroke: '#333' },
        // Seconds before the newest sample: "-30 s" reads better than clock times over one minute.
        values: (u, splits) => {
          const xs = u.data[0];
          const newest = xs.at(-1) ?? 0;
          const digits = newest - (xs[0] ?? newest) < 10 ? 1 : 0;
          return splits.map((t) => `${(t - newest).toFixed(digits)} s`);
        },
      },
      ...spec.axes.map((a) => ({
        scale: a.scale,
        label: a.label,
        side: a.side,
        stroke: '#aaa',
        grid: { show: a.side === 3, stroke: '#333' },
        size: 46,
      })),
    ],
    series: [
      {},
      ...spec.series.map((s) => ({ label: s.label, stroke: s.stroke, scale: s.scale, width: 1.5, spanGaps: true })),
    ],
  };
  const data = (h: readonly Sample[]): uPlot.AlignedData => [
    h.map((x) => x.t),
    ...spec.series.map((s) => h.map((x) => (Number.isFinite(x[s.key]) ? x[s.key] : null))),
  ];
  const u = new uPlot(opts, data([]), el);
  return { update: (h) => u.setData(data(h)), destroy: () => u.destroy() };
}

export function StatsOverlay(props: {
  session: KvmSession;
  video: () => VideoClient | undefined;
  onClose: () => void;
}) {
  const [tick, setTick] = createSignal(0);
  const [copyStatus, setCopyStatus] = createSignal('');
  const charts: { update(h: readonly Sample[]): void; destroy(): void }[] = [];
  const chartEls: HTMLDivElement[] = [];
  const sampler = makeSampler({
    // The session object is fixed for the overlay's life.
    // eslint-disable-next-line solid/reactivity
    session: props.session,
    video: () => props.video(),
    onSample: () => setTick((n) => n + 1),
  });
  onMount(() => {
    for (const [i, spec] of CHARTS.entries()) charts.push(makeChart(chartEls[i]!, spec));
  });
  onCleanup(() => {
    sampler.dispose();
    for (const c of charts) c.destroy();
  });
  createEffect(() => {
    tick();
    for (const c of charts) c.update(sampler.history());
  });
  const latest = () => {
    tick();
    return sampler.latest();
  };
  const v = (): VideoStats | null => latest().video;
  const last = () => {
    tick();
    return sampler.history().at(-1);
  };
  const sourceKnown = () => v()?.last?.captureSource === 1;

  const copy = async () => {
    await sampler.sample(); // a fresh sample, not one up to a second old
    const json = JSON.stringify(snapshot(props.session, sampler), null, 2);
    try {
      await navigator.clipboard.writeText(json);
      setCopyStatus(`Copied (${(json.length / 1024).toFixed(1)} KiB)`);
    } catch (e) {
      console.warn('copy stats failed', e);
      setCopyStatus(`Copy failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <aside
      class="stats-overlay"
      role="dialog"
      aria-label="Video stats"
      data-testid="stats-overlay"
      data-samples={tick()}
    >
      <header>
        <strong>Video stats</strong>
        <span class="stats-transport" data-testid="stats-transport">
          {v()?.transport === 'worker' ? 'worker socket' : 'page socket'}
        </span>
        <button data-testid="copy-stats" onClick={() => void copy()}>
          Copy stats
        </button>
        <button data-testid="close-stats" aria-label="Close stats" onClick={() => props.onClose()}>
          ✕
        </button>
      </header>
      <Show when={copyStatus()}>
        <div class="stats-copy-status" data-testid="copy-status" role="status">
          {copyStatus()}
        </div>
      </Show>
      <div class="stats-figures">
        <table class="stats-stages">
          <thead>
            <tr>
              <th>Stage (ms)</th>
              <th>p50</th>
              <th>p95</th>
            </tr>
          </thead>
          <tbody>
            <For each={STAGES}>
              {(k) => {
                const known = () => !SOURCE_STAGES.includes(k) || sourceKnown();
                const p = () => v()?.stagesMs[k] ?? { p50: Number.NaN, p95: Number.NaN };
                return (
                  <tr
                    data-testid={`stage-${k}`}
                    data-known={String(known())}
                    data-p50={p().p50}
                    classList={{ total: k === 'total' }}
                  >
                    <th>{STAGE_LABEL[k]}</th>
                    <td>{known() ? ms(p().p50) : 'n/a'}</td>
                    <td>{known() ? ms(p().p95) : 'n/a'}</td>
                  </tr>
                );
              }}
            </For>
          </tbody>
        </table>
        <dl class="stats-counters">
          <dt>fps source / sent / painted</dt>
          <dd
            data-testid="stats-fps"
            data-source={last()?.sourceFps}
            data-sent={last()?.sentFps}
            data-painted={v()?.distinctPaintFps}
          >
            {last()?.sourceFps.toFixed(1) ?? '–'} / {last()?.sentFps.toFixed(0) ?? '–'} / {v()?.distinctPaintFps ?? '–'}
            {v() && v()!.paintFps !== v()!.distinctPaintFps
              ? ` (+${v()!.paintFps - v()!.distinctPaintFps} repeats)`
              : ''}
          </dd>
          <dt>Decode p50 / p95</dt>
          <dd data-testid="stats-decode" data-p50={v()?.decodeMs.p50}>
            {ms(v()?.decodeMs.p50 ?? Number.NaN)} / {ms(v()?.decodeMs.p95 ?? Number.NaN)} ms
          </dd>
          <dt>Bandwidth</dt>
          <dd data-testid="stats-bandwidth" data-bps={v()?.bytesPerSecond}>
            {(((v()?.bytesPerSecond ?? 0) * 8) / 1e6).toFixed(2)} Mbit/s
            {latest().viewer ? ` (bridge ${((latest().viewer!.bandwidthBps * 8) / 1e6).toFixed(2)})` : ''}
          </dd>
          <dt>RTT</dt>
          <dd data-testid="stats-rtt" data-ms={props.session.info().rttMs}>
            {ms(props.session.info().rttMs)} ms
          </dd>
          <dt>Drops</dt>
          <dd data-testid="stats-drops">
            skipped at bridge {v()?.framesSkippedAtBridge ?? 0} · replaced {v()?.framesDropped ?? 0} · drawn over{' '}
            {v()?.framesOverdrawn ?? 0} · decode errors {v()?.decodeErrors ?? 0}
          </dd>
          <dt>Repeats (not decoded)</dt>
          <dd data-testid="stats-repeats">{v()?.framesRepeated ?? 0}</dd>
          <Show when={latest().bridge && !latest().bridge!.ok}>
            <dt>Bridge</dt>
            <dd class="error">{(latest().bridge as { message: string }).message}</dd>
          </Show>
        </dl>
      </div>
      <Show when={!sourceKnown()}>
        <p class="stats-note">
          The source gives no capture times (the simulated target's ffmpeg), so capture is when the bridge received the
          frame and the age at paint starts there.
        </p>
      </Show>
      <For each={CHARTS}>
        {(c, i) => (
          <figure class="stats-chart">
            <figcaption>{c.title}, last 60 s</figcaption>
            <div ref={(el) => (chartEls[i()] = el)} />
          </figure>
        )}
      </For>
    </aside>
  );
}
