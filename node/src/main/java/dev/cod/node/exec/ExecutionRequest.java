package dev.cod.node.exec;

import dev.cod.common.CodException;
import dev.cod.common.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One job to run on one engine: what to run, on which inputs, where the result goes, within which
 * limits. Immutable; the lists and the map are copied.
 *
 * @param jobId the market's job id, 1 to 128 characters of {@code [A-Za-z0-9._:-]}; used in logs
 *     and container labels
 * @param image the engine's program: for Docker an image reference present in the local engine,
 *     e.g. {@code cod/busybox:local} or {@code sha256:<64 hex>}; no whitespace, at most 255
 *     characters
 * @param entrypoint the command, e.g. {@code ["sh", "-c"]}; empty keeps the image's entrypoint
 * @param args the arguments after the entrypoint (Docker {@code Cmd}); empty keeps the image's
 * @param env extra environment variables; names match {@code [A-Za-z_][A-Za-z0-9_]*}. The engine's
 *     fixed variables ({@code TZ}, {@code LC_ALL}, {@code SOURCE_DATE_EPOCH}, {@code HOME}) win
 *     over these. Iterated in name order.
 * @param inputsDir absolute host directory shown to the job read-only at {@code /inputs}
 * @param resultDir absolute host directory the executor fills with the {@link ResultLayout}; must
 *     be absent or empty at run time, and neither inside {@code inputsDir} nor containing it
 * @param limits resources the run may use
 * @param moduleFile absolute host path of the program file for engines that load one from the
 *     node's disk: for {@code wasm} the module's bytes, already checked against the CID in {@code
 *     image} by whoever fetched them. {@code null} for engines that take no file (Docker runs the
 *     image). Must lie neither inside {@code resultDir} nor inside {@code inputsDir}.
 */
public record ExecutionRequest(
    String jobId,
    String image,
    List<String> entrypoint,
    List<String> args,
    Map<String, String> env,
    Path inputsDir,
    Path resultDir,
    ResourceLimits limits,
    Path moduleFile) {

  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final int MAX_IMAGE_LENGTH = 255;

  /**
   * A request for an engine that takes no program file (Docker): {@code moduleFile} is null.
   *
   * @throws NullPointerException if any argument or list element is null
   * @throws IllegalArgumentException if a value is malformed (the message names the field)
   */
  public ExecutionRequest(
      String jobId,
      String image,
      List<String> entrypoint,
      List<String> args,
      Map<String, String> env,
      Path inputsDir,
      Path resultDir,
      ResourceLimits limits) {
    this(jobId, image, entrypoint, args, env, inputsDir, resultDir, limits, null);
  }

  /**
   * @throws NullPointerException if any argument but {@code moduleFile}, or a list element, is null
   * @throws IllegalArgumentException if a value is malformed (the message names the field)
   */
  public ExecutionRequest {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(entrypoint, "entrypoint");
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(inputsDir, "inputsDir");
    Objects.requireNonNull(resultDir, "resultDir");
    Objects.requireNonNull(limits, "limits");
    if (!JOB_ID.matcher(jobId).matches()) {
      throw new IllegalArgumentException(
          "jobId must be 1 to 128 characters of [A-Za-z0-9._:-], got '" + jobId + "'");
    }
    if (image.isEmpty()
        || image.length() > MAX_IMAGE_LENGTH
        || image.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new IllegalArgumentException(
          "image must be 1 to 255 characters without whitespace, got '" + image + "'");
    }
    entrypoint = List.copyOf(entrypoint);
    args = List.copyOf(args);
    checkNoNul("entrypoint", entrypoint);
    checkNoNul("args", args);
    TreeMap<String, String> sorted = new TreeMap<>();
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = Objects.requireNonNull(e.getKey(), "env name");
      String value = Objects.requireNonNull(e.getValue(), () -> "env value of " + name);
      if (!ENV_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "env name must match [A-Za-z_][A-Za-z0-9_]*, got '" + name + "'");
      }
      if (value.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("env value of " + name + " contains a NUL character");
      }
      sorted.put(name, value);
    }
    env = Collections.unmodifiableSortedMap(sorted);
    if (!inputsDir.isAbsolute()) {
      throw new IllegalArgumentException("inputsDir must be an absolute path, got " + inputsDir);
    }
    if (!resultDir.isAbsolute()) {
      throw new IllegalArgumentException("resultDir must be an absolute path, got " + resultDir);
    }
    inputsDir = inputsDir.normalize();
    resultDir = resultDir.normalize();
    if (resultDir.startsWith(inputsDir) || inputsDir.startsWith(resultDir)) {
      throw new IllegalArgumentException(
          "resultDir and inputsDir must not contain each other, got resultDir "
              + resultDir
              + " and inputsDir "
              + inputsDir);
    }
    if (moduleFile != null) {
      if (!moduleFile.isAbsolute()) {
        throw new IllegalArgumentException("moduleFile must be an absolute path, got " + moduleFile);
      }
      moduleFile = moduleFile.normalize();
      if (moduleFile.startsWith(resultDir) || moduleFile.startsWith(inputsDir)) {
        throw new IllegalArgumentException(
            "moduleFile must lie outside resultDir and inputsDir, got " + moduleFile);
      }
    }
  }

  private static void checkNoNul(String field, List<String> values) {
    for (String v : values) {
      if (v.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(field + " element contains a NUL character: " + v);
      }
    }
  }

  /**
   * Checks, at run time, that {@code inputsDir} exists as a directory (every executor mounts or
   * preopens it).
   *
   * @throws CodException {@code INVALID_INPUT} if it does not
   */
  public void requireInputsDir() {
    if (!Files.isDirectory(inputsDir)) {
      throw new CodException(ErrorCode.INVALID_INPUT, "inputsDir must be a directory, found none at " + inputsDir);
    }
  }
}
