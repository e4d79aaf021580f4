package io.earshot.flink.inference;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

/** Ends a test's exactly-once job without leaving a Kafka transaction open on a shared stack. */
public final class JobStop {

  private JobStop() {}

  /**
   * Stops the job with a savepoint, which commits its last Kafka transaction, and cancels it only
   * if that fails. A cancelled job leaves that transaction open until it times out (10 min):
   * read-committed consumers of the shared stack, such as a later test's monitor, stall on the
   * partitions it had written until then.
   */
  public static void stopCommitting(JobClient job) throws Exception {
    try {
      job.stopWithSavepoint(
              false,
              Files.createTempDirectory("earshot-test-savepoint").toUri().toString(),
              SavepointFormatType.DEFAULT)
          .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("stop with savepoint failed, cancelling: " + e);
      job.cancel().get(30, TimeUnit.SECONDS);
    }
  }
}
