package io.earshot.docker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile read line by line, enough to check it without a Docker engine: instructions with
 * continuations joined and comments dropped, global ARG defaults, stages with their base image and
 * name, and every COPY with its flags, sources and destination.
 */
final class DockerfileModel {

  /** One instruction: keyword (upper case), its arguments, the stage it belongs to (-1: global). */
  record Instruction(String keyword, String arguments, int stage, int line) {}

  /** One build stage: FROM's image (global ARGs substituted) and its AS name (or null). */
  record Stage(int index, String image, String name) {}

  /** One COPY/ADD: flags by name ("from", "chown", "chmod", ...), sources, destination. */
  record Copy(int stage, Map<String, String> flags, List<String> sources, String destination) {
    String from() {
      return flags.get("from");
    }
  }

  final List<Instruction> instructions = new ArrayList<>();
  final Map<String, String> globalArgs = new LinkedHashMap<>();
  final List<Stage> stages = new ArrayList<>();
  final List<Copy> copies = new ArrayList<>();

  static DockerfileModel parse(Path file) {
    DockerfileModel m = new DockerfileModel();
    String[] lines = Repo.read(file).split("\n", -1);
    StringBuilder current = null;
    int startLine = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.startsWith("#")) {
        continue; // comments (and parser directives), also inside a continued instruction
      }
      if (current == null) {
        if (line.isEmpty()) {
          continue;
        }
        current = new StringBuilder();
        startLine = i + 1;
      }
      boolean continues = line.endsWith("\\");
      current.append(continues ? line.substring(0, line.length() - 1) : line).append(' ');
      if (!continues) {
        m.add(current.toString().strip(), startLine);
        current = null;
      }
    }
    if (current != null) {
      throw new AssertionError(file + ": the last instruction ends with a line continuation");
    }
    return m;
  }

  private void add(String text, int line) {
    int space = text.indexOf(' ');
    String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase();
    String args = space < 0 ? "" : text.substring(space + 1).strip();
    int stage = stages.size() - 1;
    instructions.add(new Instruction(keyword, args, stage, line));
    switch (keyword) {
      case "ARG" -> {
        if (stages.isEmpty()) {
          int eq = args.indexOf('=');
          globalArgs.put(
              eq < 0 ? args : args.substring(0, eq), eq < 0 ? null : args.substring(eq + 1));
        }
      }
      case "FROM" -> {
        String[] t = args.split("\\s+");
        List<String> tokens = new ArrayList<>(Arrays.asList(t));
        tokens.removeIf(s -> s.startsWith("--"));
        String image = substitute(tokens.get(0));
        String name =
            tokens.size() >= 3 && tokens.get(1).equalsIgnoreCase("AS")
                ? tokens.get(2).toLowerCase()
                : null;
        stages.add(new Stage(stages.size(), image, name));
      }
      case "COPY", "ADD" -> copies.add(parseCopy(stage, args, line));
      default -> {
        // not needed by the checks
      }
    }
  }

  private static Copy parseCopy(int stage, String args, int line) {
    List<String> tokens = new ArrayList<>(Arrays.asList(args.split("\\s+")));
    Map<String, String> flags = new LinkedHashMap<>();
    while (!tokens.isEmpty() && tokens.get(0).startsWith("--")) {
      String flag = tokens.remove(0).substring(2);
      int eq = flag.indexOf('=');
      flags.put(eq < 0 ? flag : flag.substring(0, eq), eq < 0 ? "" : flag.substring(eq + 1));
    }
    if (!tokens.isEmpty() && tokens.get(0).startsWith("[")) {
      throw new AssertionError("line " + line + ": JSON-form COPY is not supported by this check");
    }
    if (tokens.size() < 2) {
      throw new AssertionError("line " + line + ": COPY needs a source and a destination");
    }
    String dest = tokens.remove(tokens.size() - 1);
    return new Copy(stage, flags, List.copyOf(tokens), dest);
  }

  /** ${NAME} and $NAME replaced by the global ARG defaults. */
  String substitute(String s) {
    Matcher m =
        Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}|\\$([A-Za-z_][A-Za-z0-9_]*)").matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      String value = globalArgs.get(name);
      if (value == null) {
        throw new AssertionError("ARG " + name + " has no default before the first FROM");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The stage called {@code name}, or null. */
  Stage stage(String name) {
    return stages.stream().filter(s -> name.equals(s.name())).findFirst().orElse(null);
  }

  List<Copy> copiesIn(String stageName) {
    Stage s = stage(stageName);
    if (s == null) {
      throw new AssertionError("no stage " + stageName);
    }
    return copies.stream().filter(c -> c.stage() == s.index()).toList();
  }

  List<Instruction> instructionsIn(String stageName) {
    Stage s = stage(stageName);
    if (s == null) {
      throw new AssertionError("no stage " + stageName);
    }
    return instructions.stream().filter(i -> i.stage() == s.index()).toList();
  }
}
