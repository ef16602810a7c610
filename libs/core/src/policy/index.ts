export * from './glob.js';
export * from './zoned-time.js';
export * from './policy.js';
export * from './parse-policy.js';
