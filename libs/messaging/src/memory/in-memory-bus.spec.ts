import { describeLocalBusContract } from '../testing/local-bus-contract.js';
import { InMemoryBus } from './in-memory-bus.js';

describeLocalBusContract('InMemoryBus', async (options) => new InMemoryBus(options));
