import { runApp } from '#platform';
import { correlatorApp } from './correlator.app.js';

await runApp(correlatorApp);
