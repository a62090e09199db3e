package dev.cod.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures every log line, at every level, of every logger while open (logback under SLF4J, as
 * the modules' tests run it), so that a test can search them for a secret. Shared by the modules'
 * tests through chain-adapter's test jar.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Level rootLevel = root.getLevel();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final List<Logger> quieted;
  private final List<Level> quietedLevels;

  public LogCapture() {
    assertThat(LoggerFactory.getILoggerFactory()).isInstanceOf(LoggerContext.class);
    appender.start();
    root.addAppender(appender);
    root.setLevel(Level.ALL);
    quieted = root.getLoggerContext().getLoggerList().stream().filter(l -> l.getLevel() != null && l != root).toList();
    quietedLevels = quieted.stream().map(Logger::getLevel).toList();
    quieted.forEach(l -> l.setLevel(Level.ALL));
  }

  /** Every captured line: message, MDC and stack trace, as text. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    for (ILoggingEvent e : List.copyOf(appender.list)) {
      StringBuilder b = new StringBuilder(e.getFormattedMessage()).append(' ').append(e.getMDCPropertyMap());
      IThrowableProxy thrown = e.getThrowableProxy();
      if (thrown != null) {
        b.append('\n').append(ThrowableProxyUtil.asString(thrown));
      }
      out.add(b.toString());
    }
    return out;
  }

  /** Fails if any captured line contains any of {@code secrets}. */
  public void assertNoneContains(String... secrets) {
    for (String line : lines()) {
      for (String s : secrets) {
        assertThat(line).as("a log line").doesNotContain(s);
      }
    }
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    root.setLevel(rootLevel);
    for (int i = 0; i < quieted.size(); i++) {
      quieted.get(i).setLevel(quietedLevels.get(i));
    }
  }
}
