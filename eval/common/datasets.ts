// Where the outside data sets are read from: AFTERSHOCK_DATASETS, else ../shared/datasets
// relative to the project root. Nothing of them is copied into the repository.
import { existsSync } from 'node:fs';
import { projectPath } from '#config';

export function datasetsDir(): string {
  const dir = process.env.AFTERSHOCK_DATASETS ?? projectPath('..', 'shared', 'datasets');
  if (!existsSync(dir))
    throw new Error(`datasets not found at ${dir}; set AFTERSHOCK_DATASETS or pass --data`);
  return dir;
}
