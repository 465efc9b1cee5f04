// Runs before every component test file: the wx double first, since miniprogram-simulate
// merges its own wx APIs under whatever global `wx` exists when it is first required.
import { waits } from '../../helpers/eventually';
import { installWx, resetWx } from './wx';

installWx();
require('miniprogram-simulate');

// Rendering a page with Vant and a live watch is CPU-bound: room for a busy two-core machine (set
// here: Jest 29 reads `testTimeout` from the root config only). A wait gives up before the test
// does, so its failure names what was awaited rather than Jest's timeout; 8 s leaves room for two
// workers on two cores.
jest.setTimeout(20_000);
waits.timeoutMs = 8_000;

beforeEach(() => resetWx());
