package io.soak.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.pattern.color.ConverterSupplierByClassName;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.CRC32;

/**
 * The host's logging set up in code when {@code bin/soak} points Logback at the shipped {@code config/logback.xml}
 * unchanged: the same conversion rules, turbo filter, console appender and levels that file declares, without
 * Joran's XML parsing and model processing, which took ~0.3 s of the main thread before {@code soak run} could
 * start (issue #16, start to first event). A file with other bytes (an operator's edit), or none named, goes to
 * Logback's own configurators exactly as before. {@code HostLogConfiguratorTest} keeps this code, the file and
 * its checksum in step: it compares the context built here with the one Joran builds from the file.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class HostLogConfigurator extends ContextAwareBase implements Configurator {

    /** CRC-32 and length of the shipped config/logback.xml. */
    static final long SHIPPED_CRC32 = 4126189042L;
    static final long SHIPPED_LENGTH = 1414;

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        String file = System.getProperty("logback.configurationFile");
        if (file == null || !isShipped(Path.of(file))) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(ctx);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** True when {@code file} is the shipped config/logback.xml, byte for byte (checked by CRC-32 and length). */
    static boolean isShipped(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) != SHIPPED_LENGTH) {
                return false;
            }
            CRC32 crc = new CRC32();
            crc.update(Files.readAllBytes(file));
            return crc.getValue() == SHIPPED_CRC32;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** What config/logback.xml declares, element by element. */
    static void apply(LoggerContext ctx) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        Map<String, Supplier<DynamicConverter>> rules =
                (Map<String, Supplier<DynamicConverter>>) ctx.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        if (rules == null) {
            rules = new HashMap<>();
            ctx.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
        }
        rule(ctx, rules, "msg", LogMasking.Message.class);
        rule(ctx, rules, "quietEx", LogMasking.QuietThrowable.class);
        rule(ctx, rules, "maskedEx", LogMasking.FullThrowable.class);

        RepeatCollapser collapser = new RepeatCollapser();
        collapser.setContext(ctx);
        collapser.start();
        ctx.addTurboFilter(collapser);

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(ctx);
        console.setName("console");
        console.setTarget("System.err");
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%quietEx%n");
        encoder.start();
        console.setEncoder(encoder);
        console.start();

        ctx.getLogger("io.soak.felix").setLevel(Level.WARN);
        ctx.getLogger("org.apache.kafka").setLevel(Level.WARN);
        ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(rootLevel()));
        root.addAppender(console);
    }

    /** {@code ${soak.log.level:-INFO}}: a system property, else an environment variable, else INFO. */
    private static String rootLevel() {
        String v = System.getProperty("soak.log.level");
        if (v == null) {
            v = System.getenv("soak.log.level");
        }
        return v == null ? "INFO" : v.trim();
    }

    @SuppressWarnings("rawtypes")
    private static void rule(LoggerContext ctx, Map<String, Supplier<DynamicConverter>> rules, String word, Class<?> c) {
        ConverterSupplierByClassName s = new ConverterSupplierByClassName(word, c.getName());
        s.setContext(ctx);
        rules.put(word, s);
    }
}
