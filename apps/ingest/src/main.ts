import { runApp } from '#platform';
import { ingestApp } from './ingest.app.js';

await runApp(ingestApp);
