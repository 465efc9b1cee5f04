import { defineConformanceSuite } from './helpers/conformance';
import { openMemoryStore } from './helpers/db';
import { definePushdownAgreement, definePushdownPlans } from './helpers/pushdown';

defineConformanceSuite('PGlite in memory', () => openMemoryStore());
definePushdownAgreement('PGlite in memory', () => openMemoryStore());
definePushdownPlans('PGlite in memory', () => openMemoryStore());
