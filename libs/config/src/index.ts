export * from './settings.js';
export * from './aftershock-config.js';
