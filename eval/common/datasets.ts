// Where the outside data sets are read from: the eval's own --data, else AFTERSHOCK_DATASETS, else
// ../shared/datasets relative to the project root. Nothing of them is copied into the repository.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { projectPath } from '#config';

export function datasetsDir(data?: string): string {
  const dir = resolve(data ?? process.env.AFTERSHOCK_DATASETS ?? projectPath('..', 'shared', 'datasets'));
  if (!existsSync(dir))
    throw new Error(`datasets not found at ${dir}; set AFTERSHOCK_DATASETS or pass --data`);
  return dir;
}
