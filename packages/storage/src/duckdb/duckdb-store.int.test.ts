import { describeStoreConformance } from '../conformance.js';
import { openDuckDBStore } from './duckdb-store.js';

describeStoreConformance('duckdb', (opts) => openDuckDBStore({ ...opts, memoryLimit: '256MB', threads: 2 }));
