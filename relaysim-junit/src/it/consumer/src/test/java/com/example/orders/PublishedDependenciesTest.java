package com.example.orders;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * relaysim's libraries leave the logging backend and command-line framework to the user: neither Logback nor picocli
 * reaches this project's test class path through them.
 */
class PublishedDependenciesTest {

    @Test
    void noLogbackOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("ch.qos.logback.classic.Logger"));
    }

    @Test
    void noPicocliOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("picocli.CommandLine"));
    }
}
