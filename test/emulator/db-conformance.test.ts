import { defineConformanceSuite } from './helpers/conformance';
import { openMemoryStore } from './helpers/db';

defineConformanceSuite('PGlite in memory', () => openMemoryStore());
