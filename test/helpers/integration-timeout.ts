// Suites that start a local cloud (an embedded PostgreSQL, function workers) or a browser spend
// seconds per test on a busy two-core machine: more than Jest's 5 s default, which suits unit
// tests. Set here because Jest 29 reads `testTimeout` from the root config only, not per project.
jest.setTimeout(30_000);
