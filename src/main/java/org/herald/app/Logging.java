package org.herald.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.herald.config.LogConfig;
import org.slf4j.LoggerFactory;

/** Applies the log settings of the configuration (level of Herald's loggers, text or JSON lines). */
final class Logging {
    private Logging() {}

    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{20} - %msg%n";

    static void apply(LogConfig config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
        ctx.getLogger("org.herald").setLevel(Level.toLevel(config.level(), Level.INFO));
        boolean json = "json".equals(config.format());
        if (!json && config.file() == null) return; // logback.xml's text lines on standard error
        OutputStreamAppender<ILoggingEvent> appender;
        var root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        if (config.file() != null) {
            // logback refuses a second appender on a file it has seen, even after the first stopped: forget it, so
            // that a reload (SIGHUP after logrotate moved the file) opens it afresh
            if (ctx.getObject(CoreConstants.FA_FILENAME_COLLISION_MAP) instanceof java.util.Map<?, ?> seen) {
                seen.values().removeIf(config.file()::equals);
            }
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setFile(config.file());
            file.setAppend(true);
            appender = file;
        } else {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget("System.err");
            appender = console;
        }
        appender.setContext(ctx);
        appender.setName("HERALD");
        appender.setEncoder(json ? jsonEncoder(ctx) : textEncoder(ctx));
        appender.start();
        root.addAppender(appender);
    }

    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext ctx) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(ctx);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> textEncoder(LoggerContext ctx) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }
}
