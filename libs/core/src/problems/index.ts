export * from './signature.js';
export * from './factors.js';
export * from './problem-book.js';
export * from './restore.js';
export * from './similar.js';
