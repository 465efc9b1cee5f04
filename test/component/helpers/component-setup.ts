// Runs before every component test file: the wx double first, since miniprogram-simulate
// merges its own wx APIs under whatever global `wx` exists when it is first required.
import { waits } from '../../helpers/eventually';
import { installWx, resetWx } from './wx';

installWx();
require('miniprogram-simulate');

// Most component tests run under Jest's 5 s default: a wait gives up first, so its failure names
// what was awaited rather than Jest's timeout.
waits.timeoutMs = 2_000;

beforeEach(() => resetWx());
