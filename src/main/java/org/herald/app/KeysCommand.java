package org.herald.app;

import java.time.Clock;
import java.util.concurrent.Callable;
import org.herald.config.HeraldConfig;
import org.herald.auth.ApiKeys;
import org.herald.store.ApiKeyStore;
import org.herald.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "keys", description = "Manage server API keys.", subcommands = KeysCommand.Create.class)
final class KeysCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "create", description = "Create a server API key and print it (only its hash is stored).")
    static final class Create implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--name", defaultValue = "cli", description = "A name to remember the key by.")
        String name;

        @Override
        public Integer call() {
            HeraldConfig cfg = config.load();
            FirstStart.dataDir(cfg);
            try (Database db = new Database(cfg.jdbcUrl(), cfg.db().user(), cfg.db().password(), 2)) {
                db.migrate();
                String key = ApiKeys.generate();
                new ApiKeyStore(db, Clock.systemUTC()).add(name, ApiKeys.hash(key));
                System.out.println(key);
            }
            return 0;
        }
    }
}
