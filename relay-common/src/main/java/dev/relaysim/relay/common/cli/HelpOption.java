package dev.relaysim.relay.common.cli;

import picocli.CommandLine.Option;

/**
 * {@code -h}/{@code --help} as a picocli mixin, for the commands that take {@code -V} from {@link Cli} rather than
 * picocli's standard help options.
 */
public final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;
}
