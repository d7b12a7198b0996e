import { startSubgraphForTest, type TestSubgraph } from '../../platform/testing/harness';
import { searchSubgraph, type SearchServices } from '.';
import { describeEngineContract } from './domain/engine-contract';

/** The contract on the default engine, against a database of its own. */
let t: TestSubgraph<SearchServices>;

beforeAll(async () => {
  t = await startSubgraphForTest(searchSubgraph);
});

afterAll(async () => {
  await t?.stop();
});

describeEngineContract('postgres', () => t.services.search.engine);
