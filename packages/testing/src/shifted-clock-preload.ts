/**
 * Loaded with `node --import` into a real `clew serve` (see shiftedClock): moves the process's wall clock
 * (`Date.now`, which every clock of Clew reads) by CLEW_TEST_CLOCK_SHIFT_MS, so that a test can start Clew days later
 * than its data was written and watch retention drop those days.
 */
const shift = Number(process.env.CLEW_TEST_CLOCK_SHIFT_MS ?? '0');
if (!Number.isFinite(shift)) throw new Error(`CLEW_TEST_CLOCK_SHIFT_MS is not a number: ${process.env.CLEW_TEST_CLOCK_SHIFT_MS}`);
const realNow = Date.now.bind(Date);
Date.now = () => realNow() + shift;

export {};
