// The correlation scenario files (libs/core/scenarios/correlation/*.json), for the specs that replay them.
import { readdirSync, readFileSync } from 'node:fs';
import { projectPath } from '#config';
import type { CorrelationScenario } from '../testing/correlation-driver.js';

export function loadCorrelationScenarios(): { file: string; scenario: CorrelationScenario }[] {
  const dir = projectPath('libs', 'core', 'scenarios', 'correlation');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      scenario: JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as CorrelationScenario,
    }));
}
