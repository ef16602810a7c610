export * from './settings.js';
export * from './aftershock-config.js';
export * from './project-root.js';
export * from './tokens.js';
export * from './data-file.js';
