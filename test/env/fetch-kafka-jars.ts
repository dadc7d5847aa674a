// Warms the Kafka jar cache (CI runs this before the tests): node --import tsx test/env/fetch-kafka-jars.ts
import { isScscError } from '../../src/core/scsc-error.js';
import { ensureKafkaClasspath } from '../../src/sandbox/kafka-classpath.js';

try {
  const started = Date.now();
  const { cacheDir, jars, fromCache } = await ensureKafkaClasspath();
  const how = fromCache ? 'already cached' : `fetched with Maven in ${((Date.now() - started) / 1000).toFixed(1)} s`;
  console.log(`Kafka jars: ${jars.length} in ${cacheDir} (${how})`);
} catch (error) {
  if (!isScscError(error)) throw error;
  console.error(error.toLine());
  if (typeof error.details.outputTail === 'string') console.error(error.details.outputTail);
  process.exitCode = 1;
}
