// Preloaded (NODE_OPTIONS=--import) into every Node process of a test run when
// AFTERSHOCK_TEST_CLOCK_AHEAD is set: Date.now() and `new Date()` run that far ahead. Only
// JavaScript's clock moves: the broker and embedded ClickHouse keep the real one (libfaketime would
// move them too, but the JVM spins under it and chDB ignores it), which is why
// libs/testing/src/calendar-free.spec.ts scans the engine-facing tests for fixed dates.
import { shiftDate, testClockOffsetMs } from '../dist/libs/testing/src/test-clock.js';

shiftDate(testClockOffsetMs(process.env.AFTERSHOCK_TEST_CLOCK_AHEAD));
