/** `synth doctor`: versions, the tensor backend in use and why others are not, a speed probe. */
import type { Command } from 'commander';
import { BACKEND_NAMES, type BackendName, parseBackendName } from '../../gssnn/backend.ts';
import { formatDoctorReport, runDoctor } from '../../gssnn/doctor.ts';
import { UserError } from '../errors.ts';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('Show versions, the active tensor backend (and why faster ones did not load), and a short speed probe')
    .option('--json', 'print the report as JSON')
    .option('--backend <name>', `force a backend: ${BACKEND_NAMES.join(', ')} (default: SYNTH_BACKEND or the fastest available)`)
    .option('--seconds <s>', 'time budget of the speed probe; 0 skips it', '3')
    .action(async (options: { json?: boolean; backend?: string; seconds: string }) => {
      const seconds = Number(options.seconds);
      if (!Number.isFinite(seconds) || seconds < 0) {
        throw new UserError(`--seconds: expected a non-negative number, got "${options.seconds}"`, 'for example --seconds 2, or --seconds 0 to skip the probe');
      }
      const backend: BackendName | undefined = options.backend === undefined ? undefined : parseBackendName(options.backend, '--backend');
      const report = await runDoctor({ backend, seconds });
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatDoctorReport(report)}\n`);
    });
}
