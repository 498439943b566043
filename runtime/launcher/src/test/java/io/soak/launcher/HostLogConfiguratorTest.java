package io.soak.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HostLogConfigurator} builds exactly the context Joran builds from the shipped config/logback.xml, takes
 * over only for that file byte for byte, and leaves an edited file to Joran.
 */
class HostLogConfiguratorTest {

    private static final Path SHIPPED = Path.of("../../config/logback.xml");

    @TempDir
    Path dir;

    @Test
    void theShippedFileAndTheLaunchersCopyAreRecognisedByTheirChecksum() throws Exception {
        assertThat(HostLogConfigurator.isShipped(SHIPPED)).as("config/logback.xml changed: update HostLogConfigurator "
                + "(apply and the checksum) to declare the same").isTrue();
        assertThat(Files.readAllBytes(Path.of("src/main/resources/logback.xml"))).isEqualTo(Files.readAllBytes(SHIPPED));
    }

    @Test
    void theCodeBuildsWhatJoranBuildsFromTheShippedFile() throws Exception {
        LoggerContext joran = new LoggerContext();
        JoranConfigurator j = new JoranConfigurator();
        j.setContext(joran);
        j.doConfigure(SHIPPED.toFile());
        LoggerContext code = new LoggerContext();
        HostLogConfigurator.apply(code);
        try {
            assertThat(describe(code)).isEqualTo(describe(joran));
            assertThat(describe(code).get("ROOT.appenders")).isEqualTo("[console ConsoleAppender System.err "
                    + "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%quietEx%n]");
        } finally {
            joran.stop();
            code.stop();
        }
    }

    @Test
    void anEditedFileOrNoFileIsLeftToLogbacksOwnConfigurators() throws Exception {
        Path edited = dir.resolve("logback.xml");
        Files.writeString(edited, Files.readString(SHIPPED).replace("\"org.apache.kafka\" level=\"WARN\"",
                "\"org.apache.kafka\" level=\"INFO\""));
        assertThat(HostLogConfigurator.isShipped(edited)).isFalse();
        assertThat(HostLogConfigurator.isShipped(dir.resolve("absent.xml"))).isFalse();
        String was = System.getProperty("logback.configurationFile");
        try {
            LoggerContext ctx = new LoggerContext();
            HostLogConfigurator c = new HostLogConfigurator();
            c.setContext(ctx);
            System.setProperty("logback.configurationFile", edited.toString());
            assertThat(c.configure(ctx)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            System.clearProperty("logback.configurationFile");
            assertThat(c.configure(ctx)).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(ctx.getTurboFilterList()).isEmpty();
            Files.copy(SHIPPED, dir.resolve("shipped.xml"));
            System.setProperty("logback.configurationFile", dir.resolve("shipped.xml").toString());
            assertThat(c.configure(ctx)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
            assertThat(ctx.getTurboFilterList()).hasSize(1);
            ctx.stop();
        } finally {
            if (was == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", was);
            }
        }
    }

    /** What a context does with a log line: conversion rules, turbo filters, levels, appenders and their layout. */
    private static Map<String, Object> describe(LoggerContext ctx) {
        Map<String, Object> d = new TreeMap<>();
        Object rules = ctx.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        Map<String, String> words = new TreeMap<>();
        if (rules instanceof Map<?, ?> m) {
            m.forEach((k, v) -> words.put(String.valueOf(k), ((java.util.function.Supplier<?>) v).get().getClass().getName()));
        }
        d.put("conversion rules", words);
        d.put("turbo filters", ctx.getTurboFilterList().stream().map(f -> f.getClass().getName() + " started=" + f.isStarted())
                .toList());
        for (ch.qos.logback.classic.Logger l : ctx.getLoggerList()) {
            if (l.getLevel() != null) {
                d.put(l.getName() + ".level", l.getLevel().toString());
            }
            List<String> apps = new ArrayList<>();
            for (var it = l.iteratorForAppenders(); it.hasNext(); ) {
                Appender<ILoggingEvent> a = it.next();
                String s = a.getName() + " " + a.getClass().getSimpleName() + (a.isStarted() ? "" : " (stopped)");
                if (a instanceof ConsoleAppender<ILoggingEvent> c) {
                    s += " " + c.getTarget();
                    if (c.getEncoder() instanceof PatternLayoutEncoder e) {
                        s += " " + e.getPattern() + (e.isStarted() ? "" : " (stopped)");
                    }
                }
                apps.add(s);
            }
            if (!apps.isEmpty()) {
                d.put(l.getName() + ".appenders", apps.toString());
            }
            d.put(l.getName() + ".additive", l.isAdditive());
        }
        d.put("root level", ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel() == Level.INFO ? "INFO" : "other");
        return d;
    }
}
