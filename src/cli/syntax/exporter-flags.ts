import { Option, type Command } from 'commander';
import { METRIC_NAME_PROFILES } from '../../shared/exporter-settings.ts';

/** `--metrics` and `--metrics-names`: declared once, for `serve` and `collect`. */
export function withMetricsFlags(command: Command): Command {
  return command
    .option('--metrics <ADDR:PORT>', 'serve Prometheus /metrics there (e.g. 127.0.0.1:9586)')
    .addOption(
      new Option('--metrics-names <PROFILE>', 'metric names as another exporter spells them').choices(
        METRIC_NAME_PROFILES,
      ),
    );
}

/** The VictoriaMetrics push flags (`collect`): the URL, and credentials read from files, never argv. */
export function withVictoriaFlags(command: Command): Command {
  return command
    .option('--vm-url <URL>', 'push every poll to this VictoriaMetrics (http[s]://HOST:PORT)')
    .option('--vm-user <NAME>', 'basic auth user (with --vm-password-file)')
    .option('--vm-password-file <FILE>', 'basic auth password, read from FILE')
    .option('--vm-token-file <FILE>', 'bearer token, read from FILE');
}
