/**
 * Progress at a human rate. On a terminal: one status line rewritten at most a few times a
 * second (`synth search` draws a bar). Piped: a few plain lines, at phase boundaries and at
 * most one every PIPED_INTERVAL_MS in between, so a log shows the run is alive without
 * drowning in it. With --json the events themselves go to stdout and stderr stays quiet.
 */
import cliProgress from 'cli-progress';
import type { PopulationSearchConfig, PopulationSearchEvent } from '../synth/searchRecords.ts';

/** Least time between two rewrites of a terminal status line. */
export const TTY_INTERVAL_MS = 250;
/** Least time between two plain progress lines when stderr is not a terminal. */
export const PIPED_INTERVAL_MS = 10_000;

export interface StatusLine {
  /** Shows `text` if enough time has passed since the last one shown (or `force`). */
  update(text: string, force?: boolean): void;
  /** Ends the status line (a terminal gets its line break). */
  done(): void;
}

export function createStatusLine(stream: NodeJS.WriteStream, now: () => number = () => performance.now()): StatusLine {
  const tty = Boolean(stream.isTTY);
  const interval = tty ? TTY_INTERVAL_MS : PIPED_INTERVAL_MS;
  let last = Number.NEGATIVE_INFINITY;
  let open = false;
  return {
    update(text, force = false) {
      const t = now();
      if (!force && t - last < interval) return;
      last = t;
      if (tty) {
        stream.write(`\r\x1b[K${text}`);
        open = true;
      } else {
        stream.write(`${text}\n`);
      }
    },
    done() {
      if (open) stream.write('\n');
      open = false;
    },
  };
}

export interface ProgressView {
  start(dir: string, config: PopulationSearchConfig): void;
  update(event: PopulationSearchEvent): void;
  /** Stops any bar and gives the terminal back its cursor and line wrapping. */
  stop(): void;
}

export function createProgressView(options: { json: boolean; stream: NodeJS.WriteStream; now?: () => number }): ProgressView {
  const { stream } = options;
  if (options.json) return { start() {}, update() {}, stop() {} };
  return stream.isTTY ? terminalView(stream) : pipedView(stream, options.now ?? (() => performance.now()));
}

function describe(event: PopulationSearchEvent): string | null {
  switch (event.type) {
    case 'explored':
      return (
        `explored ${event.programs.toLocaleString('en-US')} programs in ${event.seconds.toFixed(1)} s: ${event.distinctGraphs} distinct graphs, ${event.newCandidates} new candidates` +
        (event.statesDropped ? `\n  state cap reached: ${event.statesDropped.dropped} new states dropped at --max-states ${event.statesDropped.maxStates}` : '') +
        (event.unusedInventions ?? []).map((u) => `\n  invention not used: ${u.name} (${u.why})`).join('')
      );
    case 'selected':
      return `kept ${event.kept.length}; best ${event.best ? `${event.best.id} at ${(100 * event.best.score).toFixed(1)}%` : 'none'}`;
    case 'compressed':
      return `learned ${event.inventions.length ? event.inventions.join(', ') : 'no new inventions'} (compression ${event.compressionRatio.toFixed(2)}x)`;
    default:
      return null;
  }
}

function header(dir: string, config: PopulationSearchConfig): [string, string] {
  return [`synth search -> ${dir}`, `  (${config.iterations} iterations, population ${config.population}, keep ${config.keep}, seed ${config.seed})`];
}

function pipedView(stream: NodeJS.WriteStream, now: () => number): ProgressView {
  const status = createStatusLine(stream, now);
  return {
    start(dir, config) {
      stream.write(`${header(dir, config).join('')}\n`);
    },
    update(event) {
      if (event.type === 'iteration-start') stream.write(`iteration ${event.iteration}: exploring\n`);
      else if (event.type === 'training') status.update(`  training ${event.jobs} models`, true);
      else if (event.type === 'trained') status.update(`  trained ${event.done}/${event.total}`, event.done === event.total);
      else {
        const line = describe(event);
        if (line !== null) stream.write(`  ${line}\n`);
      }
    },
    stop() {},
  };
}

function terminalView(stream: NodeJS.WriteStream): ProgressView {
  const colour = !process.env.NO_COLOR;
  const dim = (s: string) => (colour ? `\x1b[2m${s}\x1b[0m` : s);
  const bold = (s: string) => (colour ? `\x1b[1m${s}\x1b[0m` : s);
  let bar: cliProgress.SingleBar | null = null;
  const stopBar = () => {
    bar?.stop();
    bar = null;
  };
  const say = (line: string) => {
    stopBar();
    stream.write(`${line}\n`);
  };
  return {
    start(dir, config) {
      const [title, detail] = header(dir, config);
      stream.write(`${bold(title)}${dim(detail)}\n`);
    },
    update(event) {
      switch (event.type) {
        case 'iteration-start':
          say(bold(`iteration ${event.iteration}`));
          break;
        case 'training':
          stopBar();
          bar = new cliProgress.SingleBar(
            { format: `  training |{bar}| {value}/{total} {last}`, stream, hideCursor: true, barsize: 24, fps: 1000 / TTY_INTERVAL_MS },
            cliProgress.Presets.shades_classic,
          );
          bar.start(event.jobs, 0, { last: '' });
          break;
        case 'trained':
          bar?.update(event.done, { last: dim(`${event.id.slice(0, 18)} ${event.status}${event.score !== null ? ` ${(100 * event.score).toFixed(1)}%` : ''}`) });
          break;
        case 'done':
          say(dim('  done'));
          break;
        default: {
          const line = describe(event);
          if (line !== null) say(`  ${line}`);
        }
      }
    },
    stop: stopBar,
  };
}
