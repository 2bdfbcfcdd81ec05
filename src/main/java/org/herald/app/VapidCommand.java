package org.herald.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.herald.channel.webpush.VapidKeys;
import org.herald.config.HeraldConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "vapid", description = "Manage the VAPID key pair of Web Push.",
        subcommands = {VapidCommand.Generate.class, VapidCommand.Show.class})
final class VapidCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "generate", description = "Generate the VAPID key pair into <data_dir>/vapid.json and print its public key. "
            + "Refuses to replace an existing pair unless --rotate is given.")
    static final class Generate implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--rotate", description = "Replace an existing pair. Every browser subscribed so far stops "
                + "receiving pushes until it subscribes again with the new public key.")
        boolean rotate;

        @Override
        public Integer call() {
            HeraldConfig cfg = config.load();
            Path file = VapidKeyFile.path(cfg);
            if (Files.exists(file) && !rotate) {
                System.err.println("A VAPID key pair already exists in " + file + " (public key "
                        + VapidKeyFile.read(file).publicKeyBase64() + ").\nReplacing it cuts off every browser subscribed "
                        + "so far; if that is what you want, run again with --rotate.");
                return 1;
            }
            if (rotate && Files.exists(file)) {
                System.err.println("WARNING: rotating the VAPID key pair. Every existing push subscription is now dead: "
                        + "push services will refuse pushes to it, and each browser must subscribe again (herald.js "
                        + "enablePush() does so on its next page load). Restart Herald to use the new pair.");
            }
            FirstStart.dataDir(cfg);
            VapidKeys keys = VapidKeys.generate();
            VapidKeyFile.write(file, keys);
            if (cfg.webpush().vapidPublicKey() != null) {
                System.err.println("Note: webpush.vapid_public_key is set in the configuration and takes precedence over " + file);
            }
            System.out.println(keys.publicKeyBase64());
            return 0;
        }
    }

    @Command(name = "show", description = "Print the public key in effect (what browsers subscribe with).")
    static final class Show implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() {
            HeraldConfig cfg = config.load();
            if (cfg.webpush().vapidPublicKey() != null) {
                System.out.println(VapidKeys.decode(cfg.webpush().vapidPublicKey(), cfg.webpush().vapidPrivateKey()).publicKeyBase64());
                return 0;
            }
            Path file = VapidKeyFile.path(cfg);
            if (!Files.exists(file)) {
                System.err.println("No VAPID key pair yet: Herald makes one on first start, or run: herald vapid generate");
                return 1;
            }
            System.out.println(VapidKeyFile.read(file).publicKeyBase64());
            return 0;
        }
    }
}
