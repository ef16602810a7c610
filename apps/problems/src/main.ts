import { runApp } from '#platform';
import { problemsApp } from './problems.app.js';

await runApp(problemsApp);
