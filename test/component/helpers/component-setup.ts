// Runs before every component test file: the wx double first, since miniprogram-simulate
// merges its own wx APIs under whatever global `wx` exists when it is first required.
import { installWx, resetWx } from './wx';

installWx();
require('miniprogram-simulate');

beforeEach(() => resetWx());
