export * from './special.js';
export * from './descriptive.js';
export * from './mann-whitney.js';
export * from './rate-test.js';
export * from './scale-test.js';
export * from './spending.js';
export * from './random.js';
export * from './multiplicity.js';
