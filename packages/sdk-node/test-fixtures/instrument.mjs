// Loaded with `node --import ./instrument.mjs app.mjs`: start() with the options in CLEW_TEST_START_OPTIONS (JSON),
// the way an application sets up @clew/node in code.
import { start } from '@clew/node';

start(JSON.parse(process.env.CLEW_TEST_START_OPTIONS ?? '{}'));
