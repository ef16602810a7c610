// The SLO definitions in force, from OpenSLO files (AFTERSHOCK_SLO_PATH: one file or a
// directory of them, read as one set so references resolve across files). Read at start —
// any file not both valid OpenSLO v1 and computable by Aftershock stops the start, one line
// per file at fault, as `aftershock slo validate` prints them — then watched: a set that no
// longer validates is reported and the last good set stays in force (the policy file's rule).
import { fileVerdictLine, validateOpenSlo, type SloDefinition } from '#core';
import type { Logger } from '#observability';
import type { ShutdownSequence } from './shutdown.js';
import { WatchedSource, type WatchedSourceOptions } from './watched-source.js';

export type SloCatalog = WatchedSource<readonly SloDefinition[]>;

export class SloCatalogError extends Error {}

/** Reads the set now (synchronously: a consumer must hold it before its first batch). */
export function openSloCatalog(
  path: string,
  options: Omit<WatchedSourceOptions<readonly SloDefinition[]>, 'include'> = {},
): SloCatalog {
  return WatchedSource.open(path, parseSlos, { ...options, include: (name) => /\.ya?ml$/.test(name) });
}

function parseSlos(sources: readonly { file: string; text: string }[]): readonly SloDefinition[] {
  const { files, slos } = validateOpenSlo(sources);
  const faults = files.filter((f) => !f.valid || (!f.computable && f.objects > 0));
  if (faults.length > 0) throw new SloCatalogError(faults.map(fileVerdictLine).join('\n'));
  return slos;
}

/**
 * An app's SLO set (AFTERSHOCK_SLO_PATH): opened now, watched, its reloads and rejected edits
 * logged, closed with the intake at shutdown. `onReload` sees each new set in force.
 */
export function watchSloCatalog(
  path: string,
  logger: Logger,
  shutdown: ShutdownSequence,
  onReload: (slos: readonly SloDefinition[]) => void,
): SloCatalog {
  const catalog = openSloCatalog(path, {
    onReload: (slos) => {
      onReload(slos);
      logger.info('SLOs reloaded', { path, slos: slos.length });
    },
    onError: (error) =>
      logger.warn('SLO definitions not reloaded: the last good set stays in force', {
        path,
        error: error.message,
      }),
  }).watch();
  shutdown.register('stop-intake', 'SLO definitions watcher', () => catalog.close());
  logger.info('SLOs loaded', { path, slos: catalog.current().length });
  return catalog;
}
