package dev.cod.store;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcConnectionPool;

/**
 * An embedded H2 database in one file ({@code <path>.mv.db}), shared by the components of one
 * process (the node's job store and its event watcher). Schemas are created with
 * {@code CREATE TABLE IF NOT EXISTS} by their owners through {@link #execute}.
 */
public final class H2Database implements AutoCloseable {
  private final JdbcConnectionPool pool;
  private final Path path;

  private H2Database(JdbcConnectionPool pool, Path path) {
    this.pool = pool;
    this.path = path;
  }

  /**
   * Opens (creating if needed) the database at {@code path} (without the {@code .mv.db} suffix).
   *
   * @throws CodException STORE_FAILED if the file cannot be opened (e.g. another process holds it)
   */
  public static H2Database open(Path path) {
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new CodException(ErrorCode.STORE_FAILED, "cannot create directory for " + path, e);
    }
    JdbcConnectionPool pool = JdbcConnectionPool.create(
        "jdbc:h2:file:" + path.toAbsolutePath() + ";DB_CLOSE_DELAY=-1", "cod", "");
    H2Database db = new H2Database(pool, path);
    try (Connection c = db.connection()) {
      return db;
    } catch (SQLException e) {
      pool.dispose();
      throw new CodException(ErrorCode.STORE_FAILED, "cannot open H2 database " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * A private in-memory database, gone when closed: for what a process needs only while it runs
   * (e.g. the transaction store of a {@code ChainConnection} opened without a file).
   */
  public static H2Database inMemory() {
    String name = "cod-" + java.util.UUID.randomUUID();
    return new H2Database(JdbcConnectionPool.create("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "cod", ""),
        Path.of("mem:" + name));
  }

  /** A pooled connection; close it when done. */
  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /** Runs DDL or another statement without results. */
  public void execute(String sql) {
    try (Connection c = connection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new CodException(ErrorCode.STORE_FAILED, "H2 statement failed on " + path + ": " + e.getMessage(), e);
    }
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    } catch (SQLException e) {
      // already closed
    } finally {
      pool.dispose();
    }
  }
}
