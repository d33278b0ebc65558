/**
 * What `synth search` shows while it runs: a progress bar and a live summary on stderr when
 * stderr is a terminal; nothing when piped, with --json (events go to stdout), or colourless
 * under NO_COLOR.
 */
import cliProgress from 'cli-progress';
import type { SearchConfig, SearchEvent } from '../synth/search.ts';

export interface ProgressView {
  start(dir: string, config: SearchConfig): void;
  update(event: SearchEvent): void;
  stop(): void;
}

export function createProgressView(options: { json: boolean; stream: NodeJS.WriteStream }): ProgressView {
  const { stream } = options;
  if (options.json || !stream.isTTY) return { start() {}, update() {}, stop() {} };
  const colour = !process.env.NO_COLOR;
  const dim = (s: string) => (colour ? `\x1b[2m${s}\x1b[0m` : s);
  const bold = (s: string) => (colour ? `\x1b[1m${s}\x1b[0m` : s);
  let bar: cliProgress.SingleBar | null = null;
  let best: { id: string; score: number } | null = null;
  const say = (line: string) => {
    if (bar) bar.stop();
    bar = null;
    stream.write(`${line}\n`);
  };
  return {
    start(dir, config) {
      stream.write(bold(`synth search -> ${dir}`) + dim(`  (${config.iterations} iterations, population ${config.population}, keep ${config.keep}, seed ${config.seed})\n`));
    },
    update(event) {
      switch (event.type) {
        case 'iteration-start':
          say(bold(`iteration ${event.iteration}`));
          break;
        case 'explored':
          say(`  explored ${event.programs.toLocaleString()} programs in ${event.seconds.toFixed(1)} s: ${event.distinctGraphs} distinct graphs, ${event.newCandidates} new candidates`);
          break;
        case 'training':
          bar = new cliProgress.SingleBar(
            { format: `  training |{bar}| {value}/{total} {last}`, stream, hideCursor: true, barsize: 24 },
            cliProgress.Presets.shades_classic,
          );
          bar.start(event.jobs, 0, { last: '' });
          break;
        case 'trained':
          bar?.update(event.done, { last: dim(`${event.id.slice(0, 18)} ${event.status}${event.score !== null ? ` ${(100 * event.score).toFixed(1)}%` : ''}`) });
          break;
        case 'selected':
          best = event.best;
          say(`  kept ${event.kept.length}; best ${best ? `${best.id} at ${(100 * best.score).toFixed(1)}%` : 'none'}`);
          break;
        case 'compressed':
          say(`  learned ${event.inventions.length ? event.inventions.join(', ') : 'no new inventions'} (compression ${event.compressionRatio.toFixed(2)}x)`);
          break;
        case 'done':
          say(dim('  done'));
          break;
      }
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
