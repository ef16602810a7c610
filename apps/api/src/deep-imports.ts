// The parts of libs/storage this app uses that the `#storage` entry point does not export yet:
// the repositories and the record mappers. One place to switch once it exports them.
export * from '../../../libs/storage/src/queries/index.js';
export * from '../../../libs/storage/src/records/index.js';
