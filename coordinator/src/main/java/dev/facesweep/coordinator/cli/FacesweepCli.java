package dev.facesweep.coordinator.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code ./facesweep} command line. Subcommands live in their feature packages and are registered here.
 *
 * <p>Exit codes: see {@link ExitCode}.
 */
@Command(name = "facesweep", mixinStandardHelpOptions = true, versionProvider = FacesweepCli.Version.class,
        description = "Scores face-set corpora with CLIP and cleans them reversibly.",
        footer = {"", "Exit codes: 0 ok, 2 usage or configuration error, 3 the work ran but some items failed.",
            "Run 'facesweep COMMAND --help' for a command's options."})
public final class FacesweepCli implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the CLI with the given streams and returns the exit code (tests call this in-process). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine(out, err);
        return cli.execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new FacesweepCli());
        for (Object sub : Subcommands.all()) {
            cli.addSubcommand(sub);
        }
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler(FacesweepCli::handleExecutionException);
        cli.setParameterExceptionHandler(FacesweepCli::handleParameterException);
        return cli;
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(qualifiedName(cmd) + ": " + ex.getMessage());
        err.println("Try '" + qualifiedName(cmd) + " --help'.");
        err.flush();
        return ExitCode.USAGE;
    }

    private static int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (ex instanceof UsageError) {
            err.println(qualifiedName(cmd) + ": " + oneLine(ex.getMessage()));
            err.flush();
            return ExitCode.USAGE;
        }
        err.println(qualifiedName(cmd) + ": unexpected error: " + oneLine(String.valueOf(ex)));
        if (System.getenv("FACESWEEP_DEBUG") != null) {
            StringWriter trace = new StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            err.print(trace);
        } else {
            err.println("(set FACESWEEP_DEBUG=1 for the stack trace)");
        }
        err.flush();
        return ExitCode.ERROR;
    }

    static String qualifiedName(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName();
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FacesweepCli.class.getPackage().getImplementationVersion();
            return new String[] {"facesweep " + (v == null ? "(development build)" : v)};
        }
    }

    /** Keeps the list of subcommands in one place. */
    static final class Subcommands {
        static List<Object> all() {
            return List.of(
                    new dev.facesweep.coordinator.scan.ScanCommand(),
                    new dev.facesweep.coordinator.scan.StatusCommand(),
                    new dev.facesweep.coordinator.scan.ScoresCommand(),
                    new dev.facesweep.coordinator.scan.RescoreCommand(),
                    new dev.facesweep.coordinator.scoring.ScoreCommand(),
                    new dev.facesweep.coordinator.scoring.PromptsCommand(),
                    new dev.facesweep.coordinator.bundle.ModelCommand(),
                    new dev.facesweep.coordinator.review.ReportCommand(),
                    new dev.facesweep.coordinator.serve.ServeCommand(),
                    new dev.facesweep.coordinator.plan.PlanCommand(),
                    new dev.facesweep.coordinator.apply.ApplyCommand(),
                    new dev.facesweep.coordinator.apply.RevertCommand(),
                    new dev.facesweep.coordinator.apply.HistoryCommand(),
                    new CommandLine.HelpCommand());
        }
    }
}
