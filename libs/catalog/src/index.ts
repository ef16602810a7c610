export * from './service-catalog.js';
