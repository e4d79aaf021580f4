package io.earshot.stack;

import io.earshot.serde.SchemaRegistryClient;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Fails fast, with the address and what to do, when Kafka or the registry is not there: clients
 * would otherwise block for their full timeouts before saying anything useful.
 */
public final class Reachability {

  private Reachability() {}

  public static void requireKafka(String bootstrapServers, Duration timeout) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(p)) {
      admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot reach Kafka at "
              + bootstrapServers
              + " within "
              + timeout.toSeconds()
              + " s: start the local stack with './earshot stack' or pass --bootstrap-servers");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking Kafka", e);
    }
  }

  public static void requireRegistry(String registryUrl, Duration timeout) {
    new SchemaRegistryClient(registryUrl, timeout).ping();
  }
}
