import { after, before } from 'node:test';
import { type KafkaBroker, type KafkaBrokerOptions, startKafkaBroker } from '../../src/sandbox/kafka-broker.js';
import { missingKafkaTools } from '../../src/sandbox/kafka-classpath.js';

const INSTALL_HINT = 'sudo apt-get install -y openjdk-17-jre-headless maven';

export interface KafkaTestBroker {
  /** Set (locally only) when java or mvn is missing: pass it as the `skip` option of the file's suites. */
  readonly skip: string | undefined;
  /** The broker started by the file's `before` hook. */
  readonly broker: KafkaBroker;
}

/**
 * Call once at the top level of a test file: starts one broker for the whole file in `before` and
 * stops it in `after`, which runs even when tests fail. A missing java/mvn is a skip locally and a
 * failure under CI=true.
 */
export function kafkaBrokerForTests(options: KafkaBrokerOptions = {}): KafkaTestBroker {
  const missing = missingKafkaTools();
  if (missing.length > 0) {
    const reason = `Kafka tests need ${missing.join(' and ')}; install with: ${INSTALL_HINT}`;
    if (process.env.CI === 'true') throw new Error(reason);
    return {
      skip: reason,
      get broker(): KafkaBroker {
        throw new Error(reason);
      },
    };
  }

  let started: KafkaBroker | undefined;
  before(async () => {
    started = await startKafkaBroker(options);
  });
  after(async () => {
    await started?.stop();
  });
  return {
    skip: undefined,
    get broker(): KafkaBroker {
      if (started === undefined) throw new Error('the Kafka broker is only available once the before hook has run');
      return started;
    },
  };
}
