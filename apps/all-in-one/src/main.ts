import { runApp } from '#platform';
import { allInOneApp } from './all-in-one.app.js';

await runApp(allInOneApp);
