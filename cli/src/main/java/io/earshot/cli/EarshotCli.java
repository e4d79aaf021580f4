package io.earshot.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code ./earshot}: one command tree over every module. {@code main} only maps the
 * result of {@link #run(String...)} to an exit code, so tests call {@code run} directly.
 */
@Command(
    name = "earshot",
    mixinStandardHelpOptions = true,
    versionProvider = EarshotCli.Version.class,
    description = "Tells whether what you hear matches where you see it, on live video streams.",
    subcommands = {
      DemoCommand.class,
      StackCommand.class,
      IngestCommand.class,
      JobCommand.class,
      MonitorCommand.class,
      GenerateCommand.class,
      DatasetCommand.class,
      TrainCommand.class,
      EvaluateCommand.class,
      ScoreCommand.class,
      PublishCommand.class,
      BenchCommand.class,
      TestCommand.class,
      CommandLine.HelpCommand.class
    },
    commandListHeading = "%nCommands:%n")
public final class EarshotCli implements Runnable {

  /** Exit code for input the user must fix (missing file, mono audio, ...). */
  public static final int EXIT_BAD_INPUT = 3;

  /** Exit code when work finished but the input ended early (truncated media). */
  public static final int EXIT_PARTIAL = 4;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs a command line and returns its exit code. */
  public static int run(String... args) {
    return new CommandLine(new EarshotCli())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(
            (e, cmd, parse) -> {
              // Errors end as one line naming what was wrong; the stack trace is for --debug.
              cmd.getErr().println("earshot: " + oneLine(e));
              if (System.getenv("EARSHOT_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
              }
              return e instanceof IllegalArgumentException ? 2 : 1;
            })
        .execute(args);
  }

  static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.replace('\n', ' ');
  }

  public static void main(String[] args) {
    // ffmpeg prints stream dumps and codec chatter at INFO; the CLI shows only its errors.
    org.bytedeco.ffmpeg.global.avutil.av_log_set_level(
        org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    System.exit(run(args));
  }

  /** Version from the jar manifest when packaged. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = EarshotCli.class.getPackage().getImplementationVersion();
      return new String[] {"earshot " + (v == null ? "development build" : v)};
    }
  }
}
