export const RECORDER_CONFIG = Symbol.for('aftershock.RecorderConfig');
/** Optional RangeWriterOptions (tests and benchmarks tune the retry policy). */
export const RECORDER_WRITER_OPTIONS = Symbol.for('aftershock.RecorderWriterOptions');
