package dev.cod.reputation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reputation service's HTTP side (Javalin on Jetty): the JSON API under {@code /api/v1}, its
 * OpenAPI document at {@code /api/v1/openapi.json}, Prometheus metrics at {@code /metrics}, and
 * the public dashboard at {@code /} (static page and script from the jar, Chart.js from its
 * WebJar at {@code /assets/chart.umd.js}).
 */
public final class ReputationServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReputationServer.class);
  /** The Chart.js WebJar's version (kept in step with reputation/pom.xml by ChartJsWebJarTest). */
  static final String CHART_JS = "META-INF/resources/webjars/chart.js/4.4.1/dist/chart.umd.js";

  private final Javalin app;

  private ReputationServer(Javalin app) {
    this.app = app;
  }

  /**
   * Starts serving on {@code host:port} (port 0: a free one).
   *
   * @throws CodException INVALID_INPUT if the port cannot be bound
   */
  public static ReputationServer start(Reputation reputation, IndexerMetrics metrics, String host, int port) {
    ObjectMapper json = new ObjectMapper();
    byte[] openApi = resource("dashboard/openapi.json");
    byte[] index = resource("dashboard/index.html");
    byte[] chartJs = resource(CHART_JS);
    Javalin app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.staticFiles.add(sf -> {
        sf.hostedPath = "/assets";
        sf.directory = "/dashboard/assets";
        sf.location = Location.CLASSPATH;
      });
      RoutesConfig r = config.routes;
      r.get("/", timed(metrics, "/", ctx -> ctx.contentType("text/html; charset=utf-8").result(index)));
      r.get("/assets/chart.umd.js", timed(metrics, "/assets/chart.umd.js",
          ctx -> ctx.contentType("text/javascript").header("Cache-Control", "max-age=86400").result(chartJs)));
      r.get("/api/v1/openapi.json", timed(metrics, "/api/v1/openapi.json",
          ctx -> ctx.contentType("application/json").result(openApi)));
      r.get("/metrics", ctx -> ctx.contentType(IndexerMetrics.contentType()).result(metrics.scrape()));
      r.get("/api/v1/stats", timed(metrics, "/api/v1/stats", ctx -> send(ctx, json, reputation.stats())));
      r.get("/api/v1/providers", timed(metrics, "/api/v1/providers", ctx -> {
        String sort = Optional.ofNullable(ctx.queryParam("sort")).orElse("score");
        String order = Optional.ofNullable(ctx.queryParam("order")).orElse("desc");
        if (!order.equals("asc") && !order.equals("desc")) {
          throw new CodException(ErrorCode.INVALID_INPUT, "order: expected asc or desc; found '" + order + "'");
        }
        send(ctx, json, Map.of("providers", reputation.providers(sort, order.equals("desc"))));
      }));
      r.get("/api/v1/providers/{id}", timed(metrics, "/api/v1/providers/{id}", ctx -> {
        String id = ctx.pathParam("id");
        send(ctx, json, reputation.provider(id).orElseThrow(() -> new NotFound("no provider " + id
            + " in the market's events: list them at /api/v1/providers")));
      }));
      r.get("/api/v1/jobs/{id}", timed(metrics, "/api/v1/jobs/{id}", ctx -> {
        String raw = ctx.pathParam("id");
        long id;
        try {
          id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
          throw new CodException(ErrorCode.INVALID_INPUT, "job id: expected a positive integer; found '" + raw + "'");
        }
        send(ctx, json, reputation.job(id).orElseThrow(() -> new NotFound("no job " + id
            + " in the market's events (indexed up to block " + reputation.stats().cursorBlock() + ")")));
      }));
      r.exception(NotFound.class, (e, ctx) -> error(ctx, json, 404, "NOT_FOUND", e.getMessage()));
      r.exception(CodException.class, (e, ctx) -> {
        int status = e.code() == ErrorCode.INVALID_INPUT ? 400 : 503;
        error(ctx, json, status, e.code().name(), e.getMessage());
      });
      r.exception(Exception.class, (e, ctx) -> {
        LOG.error("request {} failed", ctx.path(), e);
        error(ctx, json, 500, ErrorCode.INTERNAL.name(), "internal error: " + e.getClass().getSimpleName());
      });
    });
    try {
      app.start(host, port);
    } catch (RuntimeException e) {
      throw new CodException(ErrorCode.INVALID_INPUT, "cannot serve on " + host + ":" + port + ": " + e.getMessage()
          + "; choose another --port", e);
    }
    LOG.info("reputation dashboard at http://{}:{}/", host, app.port());
    return new ReputationServer(app);
  }

  /** The port served on. */
  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  private static Handler timed(IndexerMetrics metrics, String route, Handler handler) {
    return ctx -> {
      long t = System.nanoTime();
      try {
        handler.handle(ctx);
      } finally {
        metrics.observeRequest(route, (System.nanoTime() - t) / 1e9);
      }
    };
  }

  private static void send(Context ctx, ObjectMapper json, Object body) throws JsonProcessingException {
    ctx.contentType("application/json").result(json.writeValueAsBytes(body));
  }

  private static void error(Context ctx, ObjectMapper json, int status, String code, String message) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    try {
      ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      ctx.status(status).result(code + ": " + message);
    }
  }

  private static byte[] resource(String path) {
    try (InputStream in = ReputationServer.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new CodException(ErrorCode.INTERNAL, path + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new CodException(ErrorCode.INTERNAL, "cannot read " + path, e);
    }
  }

  /** A 404 answer. */
  private static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFound(String message) {
      super(message);
    }
  }
}
