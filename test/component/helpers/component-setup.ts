// Runs before every component test file: the wx double first, since miniprogram-simulate
// merges its own wx APIs under whatever global `wx` exists when it is first required.
import { waits } from '../../helpers/eventually';
import { installWx, resetWx } from './wx';

installWx();
require('miniprogram-simulate');

// A wait gives up before the test does (jest.config.js gives component tests 20 s), so its failure
// names what was awaited rather than Jest's timeout; 8 s leaves room for two workers on two cores.
waits.timeoutMs = 8_000;

beforeEach(() => resetWx());
