package dev.relaysim.relay.standalone;

import io.netty.channel.epoll.Epoll;
import io.netty.handler.ssl.OpenSsl;

/**
 * Run by {@link StandaloneJarIT} with the standalone jar on the class path: prints whether Netty loaded its native
 * libraries (epoll, BoringSSL) from the shaded jar, and why not.
 */
public final class NativeLibrariesCheck {

    private NativeLibrariesCheck() {
    }

    public static void main(String[] args) {
        System.out.println("epoll=" + Epoll.isAvailable() + " cause=" + Epoll.unavailabilityCause());
        System.out.println("openssl=" + OpenSsl.isAvailable() + " version=" + OpenSsl.versionString()
                + " cause=" + OpenSsl.unavailabilityCause());
    }
}
