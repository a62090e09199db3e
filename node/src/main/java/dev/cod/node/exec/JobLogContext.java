package dev.cod.node.exec;

import org.slf4j.MDC;

/**
 * Puts a job's id in the logging MDC ({@code jobId}) for the lines an executor logs while it runs
 * the job, and puts back whatever was there before when closed (the node's loop sets it too).
 */
public final class JobLogContext implements AutoCloseable {
  private static final String KEY = "jobId";
  private final String previous;

  private JobLogContext(String jobId) {
    this.previous = MDC.get(KEY);
    MDC.put(KEY, jobId);
  }

  /** Sets {@code jobId} until {@link #close()}. */
  public static JobLogContext of(String jobId) {
    return new JobLogContext(jobId);
  }

  @Override
  public void close() {
    if (previous == null) {
      MDC.remove(KEY);
    } else {
      MDC.put(KEY, previous);
    }
  }
}
