package dev.relaysim.relay.gateway.internal.netns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A program started inside a virtual network's namespace: {@code ip netns exec} (which also puts the namespace's
 * {@code resolv.conf} in place), then {@code setpriv} back to the user who invoked {@code sudo} ({@code SUDO_UID},
 * {@code SUDO_GID}) when there is one (with that user's {@code HOME}), with the trust environment of {@link
 * VnetMain#trustEnvironment} and {@value VnetMain#VNET_ENV}; standard streams inherited.
 */
final class VnetProcess {

    private final VnetsFile vnets;
    private final VnetsFile.Vnet vnet;
    private final Map<String, String> environment;

    VnetProcess(VnetsFile vnets, VnetsFile.Vnet vnet, Map<String, String> environment) {
        this.vnets = requireNonNull(vnets, "vnets");
        this.vnet = requireNonNull(vnet, "vnet");
        this.environment = requireNonNull(environment, "environment");
    }

    /** The full command line: {@code ip netns exec <namespace> [setpriv ... --] <command>}. */
    List<String> commandLine(List<String> command) throws IOException {
        List<String> line = new ArrayList<>();
        line.add(HostCommands.find("ip").orElseThrow(() -> new IOException("'ip' not found (install iproute2)"))
                .toString());
        line.addAll(List.of("netns", "exec", vnet.namespace()));
        String uid = environment.getOrDefault("SUDO_UID", "");
        String gid = environment.getOrDefault("SUDO_GID", "");
        if (uid.matches("[1-9][0-9]*") && gid.matches("[0-9]+")) {
            line.add(HostCommands.find("setpriv").orElseThrow(() -> new IOException("'setpriv' not found "
                    + "(install util-linux)")).toString());
            line.addAll(List.of("--reuid=" + uid, "--regid=" + gid, "--init-groups", "--"));
        }
        line.addAll(command);
        return line;
    }

    Process start(List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(commandLine(command)).inheritIO();
        String uid = environment.getOrDefault("SUDO_UID", "");
        if (uid.matches("[1-9][0-9]*")) {
            // sudo leaves root's HOME; the user's own programs look for their files in theirs.
            String[] account = HostCommands.run(List.of("getent", "passwd", uid)).strip().split(":");
            if (account.length >= 6) {
                builder.environment().putAll(Map.of("HOME", account[5], "USER", account[0], "LOGNAME", account[0]));
            }
        }
        builder.environment().putAll(VnetMain.trustEnvironment(vnets, environment.get("JAVA_TOOL_OPTIONS")));
        builder.environment().put(VnetMain.VNET_ENV, vnet.name());
        return builder.start();
    }
}
