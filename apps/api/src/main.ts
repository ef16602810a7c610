import { runApp } from '#platform';
import { apiApp } from './api.app.js';

await runApp(apiApp);
