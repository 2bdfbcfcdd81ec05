package org.herald.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.herald.config.LogConfig;
import org.slf4j.LoggerFactory;

/** Applies the log settings of the configuration (level of Herald's loggers, text or JSON lines). */
final class Logging {
    private Logging() {}

    static void apply(LogConfig config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
        ctx.getLogger("org.herald").setLevel(Level.toLevel(config.level(), Level.INFO));
        if ("json".equals(config.format())) {
            var root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAndStopAllAppenders();
            ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
            appender.setContext(ctx);
            appender.setName("JSON");
            appender.setTarget("System.err");
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(ctx);
            encoder.start();
            appender.setEncoder(encoder);
            appender.start();
            root.addAppender(appender);
        }
    }
}
