package org.herald.app;

import java.util.concurrent.Callable;
import org.herald.config.HeraldConfig;
import org.herald.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "migrate", description = "Apply database schema migrations and exit.")
final class MigrateCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        HeraldConfig cfg = config.load();
        FirstStart.dataDir(cfg);
        try (Database db = new Database(cfg.jdbcUrl(), cfg.db().user(), cfg.db().password(), 2)) {
            db.migrate();
            System.out.println("schema up to date (" + db.dialect().name().toLowerCase() + ")");
        }
        return 0;
    }
}
