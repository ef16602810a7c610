import { runApp } from '#platform';
import { recorderApp } from './recorder.app.js';

await runApp(recorderApp);
